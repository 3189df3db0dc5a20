import { expect } from 'chai';
import { addHospital, recodeHospital } from '../../../server/geography';
import { sorLookup } from '../../../server/fhir/queries';
import { importSorList } from '../../../server/fhir';
import type { Db } from '../../../server/db/connect';
import { freshDb, testEngine } from '../../helpers/db';
import { ADMIN_ACTOR as ADMIN } from './helpers';

describe(`FHIR intake's SOR lookup follows the hospital departments at once (${testEngine})`, () => {
  let db: Db;
  before(async () => { db = await freshDb(); });

  it('a department an admin adds, or recodes, is a hospital to the next report, not 30 s later', async () => {
    await importSorList(db, ADMIN, 'sor_code;kind;municipality_code;name\n5551000016001;other;;Et andet sted\n', false);
    const before = await sorLookup(db);
    expect(before('5551000016001')).to.equal('other');
    expect(before('5552000016002')).to.equal(null);

    await addHospital(db, ADMIN, { sor_code: '5552000016002', name: 'Ny hjerteafdeling', region_code: '1082' });
    const added = await sorLookup(db);
    await recodeHospital(db, ADMIN, '5552000016002', '5551000016001');
    const recoded = await sorLookup(db);

    expect(added('5552000016002')).to.equal('hospital');
    expect(recoded('5551000016001')).to.equal('hospital'); // a department wins over the SOR list (pathway.md §1)
    expect(recoded('5552000016002')).to.equal(null);
  });

  it('without a change, the lookup is served from memory: no statement', async () => {
    await sorLookup(db);
    const seen: string[] = [];
    const listen = (q: { sql: string }) => { seen.push(q.sql); };
    db.on('query', listen);
    try { await sorLookup(db); } finally { db.off('query', listen); }
    expect(seen).to.deep.equal([]);
  });
});
