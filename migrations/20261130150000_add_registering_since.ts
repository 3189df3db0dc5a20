import type { Knex } from 'knex';

/** Coverage (pathway.md §1): the date from which a municipality registers its courses here, or null. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('municipalities', (t) => {
    t.date('registering_since').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('municipalities', (t) => {
    t.dropColumn('registering_since');
  });
}
