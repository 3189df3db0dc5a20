import { createDb, migrate } from '../server/db/connect';
async function main() {
  const url = 'postgres://postgres@127.0.0.1:5432/hk_bulk';
  const admin = createDb(url);
  await admin.raw('DROP SCHEMA IF EXISTS explain_bulk CASCADE'); await admin.raw('CREATE SCHEMA explain_bulk');
  const db = createDb(url, { searchPath: 'explain_bulk' });
  await migrate(db);
  await db.raw(`INSERT INTO patients (municipality_code, cpr_hash, cpr_enc, created_at) SELECT '751', 'h'||g, 'x', now() FROM generate_series(1,80000) g`);
  await db.raw(`INSERT INTO courses (patient_id, municipality_code, referral_date, diagnosis_group, start_date, end_date, not_started_reason, state, created_at, updated_at)
    SELECT 1 + (g % 80000), '751', date '2017-01-01' + (g % 3500), 'ihd', CASE WHEN g % 10 = 0 THEN NULL ELSE date '2017-01-10' + (g % 3500) END,
      CASE WHEN g % 10 = 0 THEN NULL ELSE date '2017-03-10' + (g % 3500) END, CASE WHEN g % 10 = 0 THEN 'x' ELSE NULL END, 'closed', now(), now() FROM generate_series(1,100000) g`);
  if (process.env.ANALYZE) await db.raw('ANALYZE');
  for (const variant of [process.argv[2] ?? '']) {
  const q = db('courses as c').join('patients as p', 'p.id', 'c.patient_id').select('c.*', 'p.cpr_enc', 'p.patient_name')
      .where('c.annulled', false).where('c.id', '>', 50000).orderBy('c.id').limit(1000).whereIn('c.municipality_code', ['751'])
      .where((q) => q.whereBetween('c.end_date', ['2017-01-01', '2026-12-31']).orWhere((w) => w.whereNull('c.start_date').whereNotNull('c.not_started_reason').whereBetween('c.referral_date', ['2017-01-01', '2026-12-31'])));
  const { sql, bindings } = q.toSQL();
  const r = await db.raw('EXPLAIN ANALYZE ' + sql, bindings as any);
  console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n'));
  }
  await db.destroy(); await admin.destroy();
}
main();
