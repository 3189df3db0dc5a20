import type { Knex } from 'knex';

/**
 * National submissions, immutable once created: the CSV, manifest and ZIP are stored encrypted under CPR_KEY
 * (AES-256-GCM, iv | tag | ciphertext), so a download gives the same bytes and no plain CPR rests in the database.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('submissions', (t) => {
    t.increments('id');
    t.string('scope', 4).notNullable().index();
    t.date('period_from').notNullable();
    t.date('period_to').notNullable();
    t.string('created_at', 20).notNullable();
    t.integer('created_by').nullable().references('users.id');
    t.string('created_by_email', 254).notNullable();
    t.integer('record_count').notNullable();
    t.string('sha256', 64).notNullable();
    t.string('csv_name', 120).notNullable();
    t.string('manifest_name', 120).notNullable();
    t.string('zip_name', 120).notNullable();
    t.binary('csv_enc').notNullable();
    t.binary('manifest_enc').notNullable();
    t.binary('zip_enc').notNullable();
    t.integer('replaced_by').nullable().references('submissions.id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('submissions');
}
