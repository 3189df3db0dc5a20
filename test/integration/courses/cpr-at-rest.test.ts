import { expect } from 'chai';
import fs from 'node:fs';
import { createCourse, getCourse, listCourses, updateCourse, worklist } from '../../../server/courses/service';
import type { Db } from '../../../server/db/connect';
import { freshDb, testEngine } from '../../helpers/db';
import { aCourse, aCpr, scopeFor } from './helpers';

describe('CPR numbers at rest', () => {
  let db: Db;
  const cprs: string[] = [];
  before(async () => {
    db = await freshDb();
    const cs = await scopeFor(db);
    const a = await createCourse(cs, aCourse({ patient_name: 'Ingen Klartekst' }));
    const b = await createCourse(cs, aCourse({ external_id: 'EPJ-1' }));
    cprs.push(String(a.cpr), String(b.cpr));
    const corrected = aCpr();
    cprs.push(corrected);
    await updateCourse(cs, b.id, { cpr: corrected }, 1);
    await getCourse(cs, a.id);
    await listCourses(cs, { cpr: String(a.cpr) });
    await worklist(cs);
  });

  it('no table row holds a plain CPR number (patients, courses, audit_log)', async () => {
    const dump = JSON.stringify({
      patients: await db('patients').select(), courses: await db('courses').select(), audit: await db('audit_log').select(),
    });

    for (const cpr of cprs) expect(dump).to.not.contain(cpr);
    expect(await db('patients').count({ n: '*' }).then((r) => Number(r[0].n))).to.equal(3);
  });

  it('the SQLite database file holds no plain CPR number', async function () {
    if (testEngine !== 'sqlite') this.skip();
    await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    const file = (db.client.config.connection as { filename: string }).filename;

    const bytes = Buffer.concat([file, file + '-wal'].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));

    for (const cpr of cprs) expect(bytes.includes(Buffer.from(cpr, 'ascii'))).to.equal(false);
    expect(bytes.includes(Buffer.from('Ingen Klartekst', 'utf8'))).to.equal(true);
  });
});
