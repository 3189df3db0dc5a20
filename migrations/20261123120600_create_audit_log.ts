import type { Knex } from 'knex';

/** Append-only: the database itself refuses UPDATE and DELETE on audit_log. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().index();
    t.integer('actor_user_id').nullable().index();
    t.string('actor_email', 254).nullable();
    t.string('actor_scope', 4).nullable();
    t.string('action', 60).notNullable().index();
    t.string('entity', 40).nullable();
    t.string('entity_id', 64).nullable();
    t.integer('patient_id').nullable().index();
    t.string('municipality_code', 4).nullable().index();
    t.string('ip', 64).nullable();
    t.text('detail').nullable();
  });
  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql`);
    await knex.raw(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
  } else {
    await knex.raw(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`);
    await knex.raw(`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
  if (knex.client.config.client === 'pg') await knex.raw('DROP FUNCTION IF EXISTS audit_log_append_only()');
}
