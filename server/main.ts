import http from 'node:http';
import { createApp } from './app';
import crypto from 'node:crypto';
import { oidcClient } from './auth';
import { type Config, ConfigError, loadConfig } from './config';
import { createDb, migrate } from './db/connect';
import { purgeExpiredSessions } from './auth';
import { purgeOldCounters } from './auth';
import { createDemoUsersIfEmpty, DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS } from './demo/users';
import { seedDemoCoursesIfEmpty } from './demo/startup';
import { fillPatientDemographics } from './patients';
import { seedDemoReferralsIfEmpty } from './pathway/demo';
import { createLogger } from './logger';
import { installLastResortHandlers } from './process-guard';

/** Process entry: config, migrations, demo data when asked, listen, graceful shutdown. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error('Configuration error: ' + e.message);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger(config.nodeEnv);
  installLastResortHandlers(process, logger);
  const db = createDb(config.databaseUrl);
  await migrate(db);
  const filled = await fillPatientDemographics(db, config.cprKey);
  if (filled > 0) logger.info({ filled }, 'patients: sex and birth date filled from the CPR');

  if (config.demoData) {
    if (await createDemoUsersIfEmpty(db, config.cprKey)) logger.info('demo users created');
    await seedDemoCoursesIfEmpty(db, config, (msg) => logger.info(msg));
    await seedDemoReferralsIfEmpty(db, config, (msg) => logger.info(msg));
    console.log('\nDemo logins (password: ' + DEMO_PASSWORD + '):');
    for (const u of DEMO_USERS) console.log(`  ${u.email.padEnd(28)} ${u.roles.join(',').padEnd(10)} ${u.scope}`);
    console.log(`  admin@demo.dk has two-factor login: add the key ${DEMO_TOTP_SECRET} to any authenticator app (demo only)`);
  }

  if (config.demoData && !config.oidc) config = await withDemoIdp(config);
  if (config.oidc) await checkIssuer(config, logger);

  const app = createApp({ db, config, logger });
  const server = http.createServer(app);
  const housekeeping = setInterval(() => {
    purgeExpiredSessions(db).catch((err) => logger.error({ err }, 'session purge failed'));
    purgeOldCounters(db).catch((err) => logger.error({ err }, 'login counter purge failed'));
  }, 10 * 60_000);
  housekeeping.unref();

  server.listen(config.port, () => {
    console.log(`\nHjerteKvalitet listens on http://localhost:${config.port} (${config.isPostgres ? 'PostgreSQL' : 'SQLite'})`);
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      db.destroy().finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * DEMO_DATA=1 without OIDC_ISSUER: a demo OpenID provider on PORT + 1 that knows the demo users' emails, so the
 * login page offers single sign-on at once (product.md). A port in use only skips it.
 */
async function withDemoIdp(config: Config): Promise<Config> {
  const port = config.port + 1;
  const accounts = new Map(DEMO_USERS.map((u) => [u.email, { email: u.email, email_verified: true, name: u.name }]));
  const client = { clientId: 'hjertekvalitet-demo', clientSecret: crypto.randomBytes(24).toString('base64url') };
  try {
    // Loaded only here: the provider package is large, and nothing else needs it.
    const { startIdp } = await import('./demo/idp.js');
    const idp = await startIdp({ port, host: 'localhost', accounts, appUrl: config.publicUrl, ...client });
    console.log(`\nDemo identity provider: ${idp.issuer} (log in there with a demo user's email and any password)`);
    return { ...config, oidc: { issuer: idp.issuer, ...client, name: 'Demo Kommune', acr: [] } };
  } catch (err) {
    console.log(`\nDemo identity provider not started (port ${port}: ${(err as Error).message})`);
    return config;
  }
}

/** The provider's discovery document is read at start; unreachable in production stops the start, naming it. */
async function checkIssuer(config: Config, logger: ReturnType<typeof createLogger>): Promise<void> {
  try {
    await oidcClient(config.oidc!);
  } catch (err) {
    const message = `OIDC_ISSUER ${config.oidc!.issuer} cannot be reached: ${(err as Error).message}`;
    if (config.production) {
      console.error('Configuration error: ' + message);
      process.exit(1);
    }
    logger.warn(message + ' (single sign-on will try again at the next login)');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
