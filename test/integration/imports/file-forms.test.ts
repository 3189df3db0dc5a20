import { expect } from 'chai';
import type { Knex } from 'knex';
import type { CurrentUser } from '../../../server/access';
import { freshDb } from '../../helpers/db';
import { cprNo } from '../submissions/fixtures';
import { courseCount, importText, therapist } from './helpers';

const H = 'cpr;referral_date;diagnosis_group;patient_name';
const row = (i: number, name = 'Jens') => `${cprNo(i)};2025-03-03;ihd;${name}`;

/** issue 10 §5: a file whose content is unambiguous but whose form varies is imported; a broken one names its cause. */
describe('course import: files of varying form', () => {
  let db: Knex;
  let user: CurrentUser;
  beforeEach(async () => {
    db = await freshDb();
    user = await therapist(db);
  });

  const forms: [string, string, number[]][] = [
    ['mixed line endings (CRLF, LF, CR)', `${H}\r\n${row(1)}\n${row(2)}\r${row(3)}\r\n`, [2, 3, 4]],
    ['CR only (old Mac)', `${H}\r${row(1)}\r${row(2)}\r`, [2, 3]],
    ['trailing empty lines and separator-only lines', `${H}\n${row(1)}\n${row(2)}\n\n;;;\n  \n\n`, [2, 3]],
    ['a header with surrounding spaces and capitals', ` CPR ; referral_date ;Diagnosis_Group ; patient_name \n${row(1)}\n`, [2]],
    ['a BOM with CRLF', `\uFEFF${H}\r\n${row(1)}\r\n${row(2)}`, [2, 3]],
    ['a BOM with CR only and no final line break', `\uFEFF${H}\r${row(1)}\r${row(2)}`, [2, 3]],
    ['quoted header names and a quoted field', `"cpr";"referral_date";"diagnosis_group";"patient_name"\r\n${row(1, '"Jens Ib"')}\r\n${row(2)}\r\n`, [2, 3]],
  ];
  for (const [what, text, lines] of forms) {
    it(`imports ${what}, with the physical line numbers`, async () => {
      const report = await importText(db, user, text);

      expect(report.errors, JSON.stringify(report.errors)).to.deep.equal([]);
      expect(report.courses.map((c) => c.line)).to.deep.equal(lines);
      expect(await courseCount(db)).to.equal(lines.length);
    });
  }

  const broken: [string, string | Buffer, string, number][] = [
    ['tab-separated', `${H.replace(/;/g, '\t')}\n${row(1).replace(/;/g, '\t')}\n`, 'wrong_separator', 1],
    ['pipe-separated', `${H.replace(/;/g, '|')}\n${row(1).replace(/;/g, '|')}\n`, 'wrong_separator', 1],
    ['rows with another separator than the header', `${H}\n${row(1)}\n${row(2).replace(/;/g, ',')}\n`, 'separator_mismatch', 3],
    ['UTF-16 (a spreadsheet\'s "Unicode text")', Buffer.from(`\uFEFF${H}\n${row(1)}\n`, 'utf16le'), 'utf16', 1],
    ['Latin-1 (Windows-1252)', Buffer.from(`${H}\n${row(1, 'S\u00f8ren')}\n`, 'latin1'), 'not_utf8', 2],
    ['a quote opened in the middle of a field', `${H}\n${row(1, 'Jens "Ib')}\n${row(2)}\n`, 'unbalanced_quote', 2],
    ['lines joined by a Unicode line separator', `${H}\u2028${row(1)}\u2028${row(2)}\n`, 'line_endings', 1],
  ];
  for (const [what, text, code, line] of broken) {
    it(`names the real cause of a broken file: ${what} → ${code} at line ${line}`, async () => {
      const report = await importText(db, user, text);

      const codes = report.errors.map((e) => e.code);
      expect(codes, JSON.stringify(report.errors)).to.include(code);
      expect(codes).to.not.include('field_count');
      expect(report.errors.find((e) => e.code === code)).to.include({ line });
      expect(await courseCount(db)).to.equal(0);
    });
  }
});
