import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { danishWallClock, RESULT_COLUMNS, toCsv, toXlsx } from '../../../server/dashboard/downloads';
import { guardFormula, unguardFormula } from '../../../server/http/spreadsheet-safety';

const ROW = {
  indicator_id: 'HK01', indicator_name: '=HYPERLINK("http://evil","klik")', unit_type: 'municipality', unit_code: '751',
  unit_name: '@SUM(A1)', period: '2025', numerator: 8, denominator: 10, missing: 1, value: 0.8, ci_low: 0.49, ci_high: 0.94,
  missing_low: 0.72, missing_high: 0.81, standard: '>=0.80', standard_met: true, few_data: false,
  computed_at: '2026-07-01T10:15:30.123Z',
};

describe('downloads: formula-safe cells, XLSX percent format, Danish time and autofilter', () => {
  it('guardFormula adds one quote before a formula character and unguardFormula takes it off again', () => {
    for (const v of ['=1+1', '+45 12', '-5', '@A1', '\tx', "'=x", "''+x", 'Åse', "O'Brien", "'plain", '', '1=1']) {
      expect(unguardFormula(guardFormula(v)), v).to.equal(v);
    }
    expect(guardFormula('=1+1')).to.equal("'=1+1");
    expect(guardFormula("'=x")).to.equal("''=x");
    expect(guardFormula("O'Brien")).to.equal("O'Brien");
    expect(guardFormula('2025-01-01')).to.equal('2025-01-01');
  });

  it('a CSV download writes text that begins with a formula character with a leading quote', () => {
    const text = toCsv([ROW], RESULT_COLUMNS).toString('utf8');
    expect(text).to.include(`"'=HYPERLINK(""http://evil"",""klik"")"`);
    expect(text).to.include(";'@SUM(A1);");
    expect(text).to.include(';>=0.80;');
  });

  it('the XLSX has string cells (never formulas), fractions in percent format, computed_at in Danish time, an autofilter', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await toXlsx([ROW], RESULT_COLUMNS, 'resultater') as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    const cell = (name: string) => sheet.getRow(2).getCell(header.indexOf(name) + 1);

    expect(cell('indicator_name').type).to.equal(ExcelJS.ValueType.String);
    expect(cell('indicator_name').value).to.equal(ROW.indicator_name);
    expect(cell('unit_name').value).to.equal('@SUM(A1)');
    expect(cell('value').value).to.equal(0.8);
    expect(cell('value').numFmt).to.equal('0.0%');
    expect(cell('ci_low').numFmt).to.equal('0.0%');
    expect(cell('numerator').numFmt ?? 'General').to.not.include('%');
    // 10:15:30 UTC on 1 July is 12:15:30 in Copenhagen (summer time), as the page shows it.
    expect((cell('computed_at').value as Date).toISOString()).to.equal('2026-07-01T12:15:30.000Z');
    expect(cell('computed_at').numFmt).to.equal('dd.mm.yyyy hh:mm');
    expect(sheet.autoFilter).to.equal('A1:R1'); // 18 result columns
  });

  it('Danish wall clock: winter time is UTC+1', () => {
    expect(danishWallClock('2026-01-15T23:30:00Z')!.toISOString()).to.equal('2026-01-16T00:30:00.000Z');
    expect(danishWallClock('not a date')).to.equal(null);
  });
});
