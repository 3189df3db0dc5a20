import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { STRATUM_INPUTS } from '../../../migrations/20261201110000_courses_carry_stratum_inputs';
import { columnsOf } from '../../../server/indicators/conditions';
import { INDICATORS } from '../../../server/indicators/definitions';

/**
 * The covering indexes in force: those of the newest migration that exports `INDEXES` (migrations run in name
 * order, and each one that widens the indexes exports the whole new list), so a migration adding a column for a new
 * indicator needs no change here.
 */
function currentIndexes(): { name: string; columns: string[] }[] {
  const dir = path.join(__dirname, '../../../migrations');
  const names = fs.readdirSync(dir).filter((f) => /^\d{14}_.*\.ts$/.test(f)).sort().reverse();
  for (const name of names) {
    if (!/export const INDEXES\b/.test(fs.readFileSync(path.join(dir, name), 'utf8'))) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(path.join(dir, name)) as { INDEXES: { name: string; columns: string[] }[] }).INDEXES;
  }
  throw new Error('no migration exports INDEXES');
}

describe('indicator covering indexes', () => {
  it('lead with municipality_code and the period date and hold every column the indicators read, so the counts never read table rows', () => {
    const indexes = currentIndexes();
    for (const d of INDICATORS) {
      const index = indexes.find((i) => i.columns[1] === d.periodColumn);
      const needed = [...columnsOf(d.population), ...columnsOf(d.numerator), 'municipality_code', 'annulled'];

      expect(index, `index for ${d.periodColumn}`).to.not.equal(undefined);
      expect(index!.columns[0]).to.equal('municipality_code');
      expect(index!.columns, d.id).to.include.members(needed);
    }
  });

  it('hold the strata\'s inputs (sex and birth date carried on the course, referral_date, diagnosis_group), not patient_id', () => {
    for (const index of currentIndexes()) {
      expect(index.columns, index.name).to.include.members([...STRATUM_INPUTS, 'referral_date', 'diagnosis_group']);
      expect(index.columns, index.name).to.not.include('patient_id');
    }
  });
});
