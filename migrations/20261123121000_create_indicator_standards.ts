import type { Knex } from 'knex';

/** Indicator standards with a valid-from period; the threshold in hundredths (80 = ≥ 0.80), never a float. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('indicator_standards', (t) => {
    t.increments('id');
    t.string('indicator_id', 4).notNullable();
    t.date('valid_from').notNullable();
    t.integer('threshold').notNullable().checkBetween([0, 100]);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.integer('created_by').nullable().references('users.id');
    t.unique(['indicator_id', 'valid_from']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('indicator_standards');
}
