import { expect } from 'chai';
import { issueToken, verifyToken, LAST_USED_RESOLUTION_MS } from '../../../server/auth/tokens';
import { createCourse, getCourse, updateCourse, type CourseScope } from '../../../server/courses/service';
import type { Db } from '../../../server/db/connect';
import { createUser } from '../../helpers/app';
import { freshDb, testEngine } from '../../helpers/db';
import { aCourse, closedValues, daysAgo, scopeFor } from './helpers';

/** The SQL statements `work` sends (BEGIN and COMMIT included). */
async function statementsOf(db: Db, work: () => Promise<unknown>): Promise<string[]> {
  const sql: string[] = [];
  const listen = (q: { sql: string }) => { sql.push(q.sql); };
  db.on('query', listen);
  try {
    await work();
  } finally {
    db.off('query', listen);
  }
  return sql;
}

/*
 * A section save needs: read the course (scope, version, values; before the transaction), BEGIN, the conditional
 * UPDATE, the audit row, COMMIT — 5; on PostgreSQL the UPDATE and the audit row are one statement and need no
 * transaction — 2. A change of the days the course occupies adds the overlap read (and on PostgreSQL the patient lock
 * that serialises it): 7. Before issue 9 every save cost 11 inside the transaction (the course read again before
 * the update and after it, the overlap read and the three statements of the referral rematch, whatever changed).
 */
const PLAIN_SAVE_MAX = testEngine === 'pg' ? 2 : 5;
const SPAN_SAVE_MAX = 7;

describe('courses/updateCourse: a section save sends the minimum of statements', () => {
  let db: Db;
  let cs: CourseScope;
  before(async () => {
    db = await freshDb();
    cs = await scopeFor(db);
  });

  it(`a save that leaves the span and patient alone: ≤ ${PLAIN_SAVE_MAX} statements, and the record it returns is the stored one`, async () => {
    const c = await createCourse(cs, aCourse({ start_date: daysAgo(80) }));
    let saved: Awaited<ReturnType<typeof updateCourse>> | undefined;

    const sql = await statementsOf(db, async () => { saved = await updateCourse(cs, c.id, { height_cm: 178, smoking_start: 'never' }, c.version); });

    expect(sql.length, sql.join('\n')).to.be.at.most(PLAIN_SAVE_MAX);
    expect(sql.filter((s) => /\breferrals\b/.test(s)), 'no rematch').to.deep.equal([]);
    // Only the changed columns: SQLite rewrites every index on a column the UPDATE names.
    const statement = sql.find((s) => /update .?courses.? set/i.test(s))!;
    const update = statement.slice(statement.search(/update .?courses.? set/i)).split(/ where /i)[0];
    expect(update).to.match(/height_cm/).and.match(/smoking_start/);
    for (const unchanged of ['municipality_code', 'referral_date', 'start_date', 'patient_id', 'diagnosis_group']) {
      expect(update, unchanged).not.to.match(new RegExp(`\\b${unchanged}\\b`));
    }
    const reread = await getCourse(cs, c.id);
    expect(saved).to.deep.equal(reread);
    expect(saved).to.include({ version: 2, height_cm: 178, smoking_start: 'never', state: 'active' });
  });

  it(`a save that moves the course's days checks the overlap: ≤ ${SPAN_SAVE_MAX} statements`, async () => {
    const c = await createCourse(cs, aCourse());

    const sql = await statementsOf(db, () => updateCourse(cs, c.id, { start_date: daysAgo(70) }, c.version));

    expect(sql.length, sql.join('\n')).to.be.at.most(SPAN_SAVE_MAX);
    expect(sql.some((s) => /select .*`?start_date`?.* from `?courses`? where `?patient_id`?/i.test(s.replace(/"/g, '`'))), 'the overlap read').to.equal(true);
  });

  it('a changed referral_date still rematches the referral group, and the returned record is the stored one', async () => {
    const c = await createCourse(cs, aCourse());
    let saved: Awaited<ReturnType<typeof updateCourse>> | undefined;

    const sql = await statementsOf(db, async () => { saved = await updateCourse(cs, c.id, { referral_date: daysAgo(95) }, c.version); });

    expect(sql.some((s) => /\breferrals\b/.test(s)), 'the rematch reads the group').to.equal(true);
    expect(saved).to.deep.equal(await getCourse(cs, c.id));
  });

  it('concurrent saves at the same version: one wins, the others get 409 version_conflict with the stored course', async () => {
    const c = await createCourse(cs, aCourse({ start_date: daysAgo(80) }));

    const results = await Promise.allSettled([170, 171, 172, 173, 174, 175].map((h) => updateCourse(cs, c.id, { height_cm: h }, c.version)));

    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).to.have.length(1);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).to.include({ code: 'version_conflict' });
    }
    const stored = await getCourse(cs, c.id);
    expect(stored.version).to.equal(2);
    expect(stored.height_cm).to.equal((won[0] as PromiseFulfilledResult<Record<string, unknown>>).value.height_cm);
    const audited = await db('audit_log').where({ action: 'course_update', entity_id: String(c.id) }).select('detail');
    expect(audited, 'one audit row: the losers wrote none').to.have.length(1);
  });

  it('the audit row of a plain save names the version and each changed value, old and new', async () => {
    const c = await createCourse(cs, aCourse({ start_date: daysAgo(80), height_cm: 170 }));

    await updateCourse(cs, c.id, { height_cm: 178, smoking_start: 'never' }, c.version);

    const rows = await db('audit_log').where({ action: 'course_update', entity_id: String(c.id) });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ entity: 'course', patient_id: c.patient_id, municipality_code: '751', actor_email: cs.actor.email });
    const detail = typeof rows[0].detail === 'string' ? JSON.parse(rows[0].detail) : rows[0].detail;
    expect(detail).to.deep.equal({
      version: 2, changes: { height_cm: { old: 170, new: 178 }, smoking_start: { old: null, new: 'never' } },
    });
  });

  it('a save over a version another save moved on is a 409 and writes neither the course nor an audit row', async () => {
    const c = await createCourse(cs, aCourse({ start_date: daysAgo(80) }));
    await updateCourse(cs, c.id, { height_cm: 171 }, c.version);

    let err: unknown;
    try { await updateCourse(cs, c.id, { height_cm: 190 }, c.version); } catch (e) { err = e; }

    expect(err).to.include({ code: 'version_conflict' });
    expect((await getCourse(cs, c.id)).height_cm).to.equal(171);
    expect(await db('audit_log').where({ action: 'course_update', entity_id: String(c.id) })).to.have.length(1);
  });

  it('two concurrent form saves of different variables at the same version are both kept (merged over the newer version)', async () => {
    const c = await createCourse(cs, aCourse({ start_date: daysAgo(80) }));
    const seen = { height_cm: null, bp_sys_start: null, bp_dia_start: null };

    await Promise.all([
      updateCourse(cs, c.id, { height_cm: 180 }, c.version, { seen }),
      updateCourse(cs, c.id, { bp_sys_start: 140, bp_dia_start: 80 }, c.version, { seen }),
    ]);

    const stored = await getCourse(cs, c.id);
    expect(stored).to.include({ version: 3, height_cm: 180, bp_sys_start: 140, bp_dia_start: 80 });
  });

  it('the record a save returns is the course as read back, over varied saves (derivation, sources, clears, state)', async () => {
    const start = daysAgo(250); // closed 5 days ago: longer than 26 weeks, a warning; reopened: none
    const steps: { values: Record<string, unknown>; clear?: string[] }[] = [
      { values: { height_cm: 178, weight_start_kg: 82.5, smoking_start: 'never' } },
      { values: { bp_sys_start: 140, bp_dia_start: 85, ldl_start: 2.8, hads_a_start: 4, hads_d_start: 3 } },
      { values: { height_cm: null, ldl_start: 3.1 } },
      { values: { test_type: '6mwt', test_start_value: 420, heartqol_start: 2.15 } },
      { values: { external_id: 'EXT-1', patient_name: 'Åse Ørum' } },
      { values: { ...closedValues(start, daysAgo(5)) } },
      { values: { outcome: null, hads_d_end: 4 } },
      { values: { end_date: null } },
      { values: { start_date: null, not_started_reason: 'declined' }, clear: [] },
    ];
    const c = await createCourse(cs, aCourse({ referral_date: daysAgo(300), start_date: start }));
    let version = c.version;
    let warned = false;
    for (const [i, step] of steps.entries()) {
      let saved: Awaited<ReturnType<typeof updateCourse>>;
      try {
        saved = await updateCourse(cs, c.id, step.values as never, version, { clear: step.clear as never });
      } catch (err) {
        // A step the rules refuse is no test of the record: it must be refused as before, with nothing written.
        expect((await getCourse(cs, c.id)).version, `step ${i} refused: ${String(err)}`).to.equal(version);
        continue;
      }
      expect(saved, `step ${i}`).to.deep.equal(await getCourse(cs, c.id));
      warned ||= saved.warnings.length > 0;
      version = saved.version;
    }
    expect(version, 'most steps saved').to.be.at.least(c.version + 6);
    expect(warned, 'a step that warns').to.equal(true);
  });

  it('a renamed patient is read back with its new name', async () => {
    const c = await createCourse(cs, aCourse({ patient_name: 'Åse' }));
    const saved = await updateCourse(cs, c.id, { patient_name: 'Åse Ørum' }, c.version);
    expect(saved).to.deep.equal(await getCourse(cs, c.id));
    expect(saved.patient_name).to.equal('Åse Ørum');
  });
});

describe(`auth/tokens: last_used_at is written at most once a minute (${testEngine})`, () => {
  let db: Db;
  before(async () => { db = await freshDb(); });

  const lastUsed = async (id: number): Promise<number | null> => {
    const v = (await db('api_tokens').where('id', id).first('last_used_at')).last_used_at;
    return v === null ? null : new Date(v).getTime();
  };

  it('the first use writes it; uses within the minute do not; a use after it does', async () => {
    const userId = await createUser(db, { email: 'token@test.dk', roles: ['therapist'], scope: '751' });
    const { id, token } = await issueToken(db, userId, null, 'bench');
    const t0 = new Date(Date.now() - 10 * 60_000);

    expect(await verifyToken(db, token, t0)).to.equal(userId);
    expect(await lastUsed(id)).to.equal(t0.getTime());

    const within = await statementsOf(db, async () => {
      for (const s of [1, 20, 59]) expect(await verifyToken(db, token, new Date(t0.getTime() + s * 1000))).to.equal(userId);
    });
    expect(within.filter((s) => /^update/i.test(s)), within.join('\n')).to.deep.equal([]);
    expect(await lastUsed(id)).to.equal(t0.getTime());

    const later = new Date(t0.getTime() + LAST_USED_RESOLUTION_MS + 1000);
    expect(await verifyToken(db, token, later)).to.equal(userId);
    expect(await lastUsed(id)).to.equal(later.getTime());
  });

  it('a revoked token is refused and its use not written', async () => {
    const userId = (await db('users').where('email', 'token@test.dk').first('id')).id;
    const { id, token } = await issueToken(db, userId, null, 'revoked');
    await db('api_tokens').where('id', id).update({ revoked_at: new Date().toISOString() });
    expect(await verifyToken(db, token)).to.equal(undefined);
    expect(await lastUsed(id)).to.equal(null);
  });
});
