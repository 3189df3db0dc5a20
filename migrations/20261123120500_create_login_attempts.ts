import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('login_attempts', (t) => {
    t.increments('id');
    t.string('email', 254).notNullable();
    t.string('ip', 64).notNullable();
    t.boolean('ok').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['email', 'at']);
    t.index(['ip', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_attempts');
}
