import type { Knex } from 'knex';

/**
 * The scope code ('751', '1082', 'DK') of the record a row is about when that record is not a patient's
 * (a user, an API token), so an admin sees the rows about the users inside their scope.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_log', (t) => {
    t.string('record_scope', 4).nullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_log', (t) => {
    t.dropIndex(['record_scope']);
    t.dropColumn('record_scope');
  });
}
