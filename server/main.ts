import http from 'node:http';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createDb, migrate } from './db/connect';
import { purgeExpiredSessions } from './auth/sessions';
import { purgeOldAttempts } from './auth/login-limits';
import { createDemoUsersIfEmpty, DEMO_PASSWORD, DEMO_USERS } from './demo/users';
import { seedDemoCoursesIfEmpty } from './demo/startup';
import { seedDemoReferralsIfEmpty } from './pathway/demo';
import { createLogger } from './logger';

/** Process entry: config, migrations, demo data when asked, listen, graceful shutdown. */
async function main(): Promise<void> {
  let config;
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
  const db = createDb(config.databaseUrl);
  await migrate(db);

  if (config.demoData) {
    if (await createDemoUsersIfEmpty(db)) logger.info('demo users created');
    await seedDemoCoursesIfEmpty(db, config, (msg) => logger.info(msg));
    await seedDemoReferralsIfEmpty(db, config, (msg) => logger.info(msg));
    console.log('\nDemo logins (password: ' + DEMO_PASSWORD + '):');
    for (const u of DEMO_USERS) console.log(`  ${u.email.padEnd(28)} ${u.roles.join(',').padEnd(10)} ${u.scope}`);
  }

  const app = createApp({ db, config, logger });
  const server = http.createServer(app);
  const housekeeping = setInterval(() => {
    purgeExpiredSessions(db).catch((err) => logger.error({ err }, 'session purge failed'));
    purgeOldAttempts(db).catch((err) => logger.error({ err }, 'login attempt purge failed'));
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
