import type { Knex } from 'knex';

/** The rows of each submission: which courses (and patients, for the download audit) it holds. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('submission_courses', (t) => {
    t.integer('submission_id').notNullable().references('submissions.id');
    t.integer('course_id').notNullable().references('courses.id').index();
    t.integer('patient_id').notNullable();
    t.primary(['submission_id', 'course_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('submission_courses');
}
