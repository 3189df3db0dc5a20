import zlib from 'node:zlib';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { resolveScope, type Scope } from '../../../server/access';
import { createSubmission, downloadPart } from '../../../server/submissions/service';
import { freshDb } from '../../helpers/db';
import { closedCourse, cprNo, notStartedCourse, storeCourse, TEST_CPR_KEY as KEY } from './fixtures';

const actor = { userId: null, email: 'indberetter@test.dk', scope: '751', ip: null };

/** The entries of a ZIP file, read from its central directory (stored or deflated entries). */
function unzip(zip: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    out.set(name, method === 8 ? zlib.inflateRawSync(data) : data);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

describe('national submission: the stored files', () => {
  let db: Knex;
  let aarhus: Scope;
  beforeEach(async () => {
    db = await freshDb();
    aarhus = (await resolveScope(db, '751'))!;
  });

  it('the ZIP holds the CSV and the manifest under their names, byte for byte as downloaded separately', async () => {
    await storeCourse(db, closedCourse({ cpr: cprNo(1) }));
    await storeCourse(db, notStartedCourse({ cpr: cprNo(2) }));
    const m = await createSubmission(db, KEY, actor, { from: '2025-01-01', to: '2025-12-31', scope: aarhus });

    const [zip, csv, manifest] = await Promise.all((['zip', 'csv', 'manifest'] as const).map((p) => downloadPart(db, KEY, actor, aarhus, m.id, p)));

    expect(zip.name).to.equal(csv.name.replace(/\.csv$/, '.zip'));
    expect(manifest.name).to.equal(csv.name.replace(/\.csv$/, '.manifest.json'));
    const entries = unzip(zip.bytes);
    expect([...entries.keys()]).to.deep.equal([csv.name, manifest.name]);
    expect(Buffer.compare(entries.get(csv.name)!, csv.bytes)).to.equal(0);
    expect(Buffer.compare(entries.get(manifest.name)!, manifest.bytes)).to.equal(0);
  });

  it('manifest keys have the types of formats.md: integer ids, ISO dates, created_at to the second', async () => {
    await storeCourse(db, closedCourse({ cpr: cprNo(3), training_attended: 30 }));
    const first = await createSubmission(db, KEY, actor, { from: '2025-01-01', to: '2025-03-31', scope: aarhus });
    const m = await createSubmission(db, KEY, actor, { from: '2025-01-01', to: '2025-12-31', scope: aarhus });

    const parsed = JSON.parse((await downloadPart(db, KEY, actor, aarhus, m.id, 'manifest')).bytes.toString('utf8'));

    expect(Number.isInteger(parsed.id)).to.equal(true);
    expect(parsed.replaces).to.deep.equal([first.id]);
    expect(parsed.period).to.deep.equal({ from: '2025-01-01', to: '2025-12-31' });
    expect(parsed.created_at).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(parsed.excluded).to.have.length(1);
    expect(Number.isInteger(parsed.excluded[0].course_id)).to.equal(true);
    expect(parsed.excluded[0].reasons[0]).to.have.keys('variable', 'code', 'message');
    expect(parsed.withdrawn).to.deep.equal([]);
    expect(parsed.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(parsed.record_count).to.equal(0);
  });

  it('a submission without records is a header line only, with its final newline', async () => {
    const m = await createSubmission(db, KEY, actor, { from: '2020-01-01', to: '2020-12-31', scope: aarhus });

    const csv = (await downloadPart(db, KEY, actor, aarhus, m.id, 'csv')).bytes.toString('utf8');

    expect(csv.split('\n')).to.have.length(2);
    expect(csv.endsWith('gp_note_sent\n')).to.equal(true);
  });
});
