import type { Knex } from 'knex';

/**
 * Login limits as atomic counters (issue 8 item 4), TOTP two-factor and OpenID Connect links (issue 14), and the
 * short-lived state of a login in progress (OIDC state/nonce/PKCE, a password login awaiting its second step).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_counters', (t) => {
    t.string('kind', 10).notNullable(); // 'account' | 'ip' | 'totp'
    t.string('key', 300).notNullable();
    t.bigInteger('window_start').notNullable(); // epoch ms
    t.integer('failures').notNullable();
    t.bigInteger('blocked_until').notNullable().defaultTo(0); // epoch ms
    t.primary(['kind', 'key']);
  });
  await knex.schema.alterTable('users', (t) => {
    t.text('totp_secret').nullable(); // AES-256-GCM under HKDF(CPR_KEY, "totp"), base64
    t.bigInteger('totp_last_step').nullable();
    t.timestamp('totp_enrolled_at', { useTz: true }).nullable();
    t.string('oidc_issuer', 300).nullable();
    t.string('oidc_sub', 255).nullable();
    t.unique(['oidc_issuer', 'oidc_sub']);
  });
  await knex.schema.createTable('recovery_codes', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE').index();
    t.string('code_hash', 64).notNullable();
    t.timestamp('used_at', { useTz: true }).nullable();
  });
  await knex.schema.createTable('login_flows', (t) => {
    t.string('id_hash', 64).primary();
    t.string('kind', 10).notNullable(); // 'oidc' | 'totp' | 'enrol'
    t.integer('user_id').nullable().references('users.id').onDelete('CASCADE');
    t.text('data').notNullable(); // JSON
    t.bigInteger('expires_at').notNullable().index(); // epoch ms
  });
  await knex.schema.alterTable('sessions', (t) => {
    t.text('oidc_id_token').nullable(); // id_token_hint for the provider's logout
  });
  await knex.schema.dropTable('login_attempts');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_attempts', (t) => {
    t.increments('id');
    t.string('email', 254).notNullable();
    t.string('ip', 64).notNullable();
    t.boolean('ok').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['email', 'at']);
    t.index(['ip', 'at']);
  });
  await knex.schema.alterTable('sessions', (t) => t.dropColumn('oidc_id_token'));
  await knex.schema.dropTable('login_flows');
  await knex.schema.dropTable('recovery_codes');
  await knex.schema.alterTable('users', (t) => {
    t.dropUnique(['oidc_issuer', 'oidc_sub']);
    for (const c of ['totp_secret', 'totp_last_step', 'totp_enrolled_at', 'oidc_issuer', 'oidc_sub']) t.dropColumn(c);
  });
  await knex.schema.dropTable('login_counters');
}
