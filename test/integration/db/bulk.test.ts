import { expect } from 'chai';
import type { Knex } from 'knex';
import { recordAudit, type Actor } from '../../../server/audit/record';
import { insertRows } from '../../../server/db/bulk';
import { freshDb } from '../../helpers/db';

const actor: Actor = { userId: null, email: 'import@test.dk', scope: '751', ip: '10.0.0.1' };

describe('db/bulk insertRows: big statements straight to the driver, small ones through knex', () => {
  let db: Knex;
  beforeEach(async () => { db = await freshDb(); });

  it('120 audit rows (driver, in a transaction) are stored as 3 rows through knex are: same columns, same values, in order', async () => {
    const entries = Array.from({ length: 120 }, (_, i) => ({
      action: 'course_create', entity: 'course', entityId: i + 1, municipalityCode: '751', detail: { import_line: i + 2, values: { x: 'æ' } },
    }));
    await db.transaction((trx) => recordAudit(trx, actor, ...entries));
    await recordAudit(db, actor, ...entries.slice(0, 3));

    const rows = await db('audit_log').where({ action: 'course_create' }).orderBy('id');
    expect(rows).to.have.length(123);
    const strip = (r: Record<string, unknown>) => {
      const { id: _id, at: _at, ...rest } = r;
      return { ...rest, detail: typeof rest.detail === 'string' ? JSON.parse(rest.detail) : rest.detail };
    };
    expect(rows.slice(120).map(strip)).to.deep.equal(rows.slice(0, 3).map(strip));
    expect(strip(rows[119])).to.deep.include({
      actor_email: 'import@test.dk', actor_scope: '751', ip: '10.0.0.1', entity: 'course', entity_id: '120', municipality_code: '751',
      detail: { import_line: 121, values: { x: 'æ' } },
    });
  });

  it('a statement of a few rows is seen by knex query listeners (the statement-count tests); 60 rows return their ids in row order', async () => {
    const seen: string[] = [];
    const listen = (q: { sql: string }) => seen.push(q.sql);
    db.on('query', listen);
    try {
      await recordAudit(db, actor, { action: 'login' }, { action: 'logout' });
    } finally {
      db.off('query', listen);
    }
    expect(seen.filter((s) => /insert into "?audit_log"?/i.test(s))).to.have.length(1);

    const ids = await db.transaction((trx) => insertRows(trx, 'audit_log', ['at', 'action', 'entity_id'],
      Array.from({ length: 60 }, (_, i) => [new Date().toISOString(), 'bulk', String(i)]), { returning: ['id', 'entity_id'] }));
    expect(ids.map((r) => String(r.entity_id))).to.deep.equal(Array.from({ length: 60 }, (_, i) => String(i)));
    expect(ids.map((r) => Number(r.id))).to.deep.equal([...ids.map((r) => Number(r.id))].sort((a, b) => a - b));
  });
});
