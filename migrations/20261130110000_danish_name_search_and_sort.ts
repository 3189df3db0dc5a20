import type { Knex } from 'knex';
import { danishSortKey, foldText } from '../server/db/danish';

/**
 * Danish search and sort on both engines. patient_name_folded was written with toLocaleLowerCase only (no NFC) and
 * the search compared it with the text as typed (never folded), so "SØREN" or "Åse Ørsted" found nothing; it is
 * recomputed here with foldText. The sort keys (danishSortKey: … x y z æ ø å by byte order) and the users' folded
 * name are new. The application writes all of them with every write of a name.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('patients', (t) => {
    t.string('patient_name_sort', 200).nullable();
  });
  await knex.schema.alterTable('users', (t) => {
    t.string('name_folded', 200).nullable();
    t.string('name_sort', 200).nullable();
  });
  await refill(knex, 'patients', 'patient_name', (n) => ({ patient_name_folded: foldText(n), patient_name_sort: danishSortKey(n) }));
  await refill(knex, 'users', 'name', (n) => ({ name_folded: foldText(n), name_sort: danishSortKey(n) }));
}

async function refill(knex: Knex, table: string, column: string, columns: (name: string) => Record<string, string>): Promise<void> {
  let after = 0;
  for (;;) {
    const rows: { id: number; name: string }[] = await knex(table).whereNotNull(column).where('id', '>', after)
      .orderBy('id').limit(1000).select('id', { name: column });
    if (rows.length === 0) return;
    for (const r of rows) await knex(table).where('id', r.id).update(columns(r.name));
    after = rows[rows.length - 1].id;
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('name_sort');
    t.dropColumn('name_folded');
  });
  await knex.schema.alterTable('patients', (t) => {
    t.dropColumn('patient_name_sort');
  });
}
