import { parse } from 'csv-parse/sync';
import type { Knex } from 'knex';
import { recordAudit, type Actor } from '../audit/record';
import { geography } from '../geography';
import { t } from '../i18n';
import { isSorCode } from './codes';
import { forgetSorList, replaceSorList, type SorRow } from './queries';

/** `sor import`: the SOR list from CSV (`;`, UTF-8, header sor_code;kind;municipality_code;name), replaced whole. */

const KINDS = ['municipality', 'hospital', 'gp', 'other'];
const HEADER = ['sor_code', 'kind', 'municipality_code', 'name'];

/** Parse and check the file; errors are Danish lines. */
export async function parseSorList(db: Knex, text: string): Promise<{ rows: SorRow[]; errors: string[] }> {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { delimiter: ';', skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (e) {
    return { rows: [], errors: [(e as Error).message] };
  }
  if (records.length === 0 || records[0].join(';') !== HEADER.join(';')) return { rows: [], errors: [t('da', 'fhir.cli.sor_header')] };
  const municipalities = new Set((await geography(db)).municipalities.map((m) => m.code));
  const rows: SorRow[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  records.slice(1).forEach((rec, i) => {
    const line = i + 2;
    const [sor_code, kind, municipality_code, name] = rec;
    const fail = (message: string) => errors.push(t('da', 'fhir.cli.sor_row', { line, message }));
    if (rec.length !== 4) return fail('4 felter');
    if (!isSorCode(sor_code)) return fail(`sor_code ${sor_code}: 10–18 cifre, ikke foranstillet 0`);
    if (seen.has(sor_code)) return fail(`sor_code ${sor_code} står to gange`);
    if (!KINDS.includes(kind)) return fail(`kind ${kind}: ${KINDS.join(', ')}`);
    if (kind === 'municipality' && !municipalities.has(municipality_code)) return fail(`municipality_code ${municipality_code}`);
    if (municipality_code && !municipalities.has(municipality_code)) return fail(`municipality_code ${municipality_code}`);
    if (!name || name.length > 200) return fail('name: 1–200 tegn');
    seen.add(sor_code);
    rows.push({ sor_code, kind, municipality_code: municipality_code || null, name });
  });
  return { rows, errors };
}

/** Replace the SOR list (audited) unless the file has errors or it is a dry run. */
export async function importSorList(db: Knex, actor: Actor, text: string, dryRun: boolean): Promise<{ rows: number; errors: string[] }> {
  const { rows, errors } = await parseSorList(db, text);
  if (errors.length || dryRun) return { rows: rows.length, errors };
  await db.transaction(async (trx) => {
    await replaceSorList(trx, rows);
    await recordAudit(trx, actor, { action: 'sor_import', entity: 'sor_list', recordScope: 'DK', detail: { codes: rows.length } });
  });
  forgetSorList(db);
  return { rows: rows.length, errors };
}
