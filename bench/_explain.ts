import { createDb, migrate, isPostgres } from '../server/db/connect';
async function main() {
  const url = process.argv[2];
  const db = createDb(url);
  await migrate(db);
  const q = db('courses as c').join('patients as p', 'p.id', 'c.patient_id').select('c.*', 'p.cpr_enc', 'p.patient_name')
      .where('c.annulled', false).where('c.id', '>', 0).orderBy('c.id').limit(1000).whereIn('c.municipality_code', ['751'])
      .where((q) => q.whereBetween('c.end_date', ['2017-01-01', '2026-12-31']).orWhere((w) => w.whereNull('c.start_date').whereNotNull('c.not_started_reason').whereBetween('c.referral_date', ['2017-01-01', '2026-12-31'])));
  const { sql, bindings } = q.toSQL();
  const r = await db.raw((isPostgres(db) ? 'EXPLAIN ' : 'EXPLAIN QUERY PLAN ') + sql, bindings as any);
  console.log(sql); console.log(JSON.stringify(isPostgres(db) ? r.rows : r, null, 1));
  await db.destroy();
}
main();
