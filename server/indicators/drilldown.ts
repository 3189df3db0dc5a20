import type { Knex } from 'knex';
import { atomsOf, columnsOf, Condition, CourseColumn } from './conditions';
import { IndicatorId, indicatorById } from './definitions';
import { parsePeriod } from './periods';
import { COURSE_STATE, conditionSql, courseStateSql, notAnnulled } from './sql';

export interface DrillDownRow {
  course_id: number;
  /** for the caller's audit rows (one per patient shown) */
  patient_id: number;
  referral_date: string;
  start_date: string | null;
  end_date: string | null;
  kind: 'not_met' | 'missing';
  /** the unregistered variables that leave the course undecided (empty for not_met) */
  missing_variables: string[];
  /** the patient's name (the caller shows it only to users who may see patient-level data) */
  patient_name: string | null;
  /** the registered values of the variables the indicator reads, for the reason text */
  values: Record<string, string | number | null>;
}

type Truth = boolean | null;

/**
 * The courses of one municipality that did not meet the indicator or are counted missing, from the same
 * definitions and SQL as the counts. Which variables are missing is explained from the per-atom truth values
 * the database returns, walked with the same three-valued logic. The caller checks the user's scope.
 */
export async function drillDown(db: Knex, query: { indicatorId: IndicatorId; period: string; municipalityCode: string }): Promise<DrillDownRow[]> {
  const definition = indicatorById(query.indicatorId);
  const period = parsePeriod(query.period);
  const state = courseStateSql(db, definition);
  const atoms = [...atomsOf(definition.population), ...atomsOf(definition.numerator)];
  const columns = columnsOf(definition.numerator, columnsOf(definition.population));
  const rows: Record<string, unknown>[] = await db('courses')
    .join('patients', 'patients.id', 'courses.patient_id')
    .select('courses.id', 'courses.patient_id', 'patients.patient_name', 'referral_date', 'start_date', 'end_date',
      ...columns.filter((col) => !['referral_date', 'start_date', 'end_date'].includes(col)))
    .select(db.raw(`CASE ? WHEN ${COURSE_STATE.missing} THEN 'missing' ELSE 'not_met' END AS kind`, [state]))
    .select(atoms.map((atom, i) => db.raw('CASE WHEN ? THEN 1 WHEN NOT ? THEN 0 END AS ??', [conditionSql(db, atom), conditionSql(db, atom), `atom_${i}`])))
    .where('courses.municipality_code', query.municipalityCode)
    .andWhere(notAnnulled(db))
    .whereBetween(definition.periodColumn, [period.first, period.last])
    .andWhere(db.raw(`? IN (${COURSE_STATE.notMet}, ${COURSE_STATE.missing})`, [state]))
    .orderBy([{ column: definition.periodColumn }, { column: 'courses.id' }]);

  return rows.map((row) => {
    const truths = atoms.map((_, i): Truth => (row[`atom_${i}`] === null ? null : Number(row[`atom_${i}`]) === 1));
    const missingVariables: CourseColumn[] = [];
    if (row.kind === 'missing') {
      const cursor = { next: 0 };
      explainUnknown(definition.population, truths, cursor, row, missingVariables);
      explainUnknown(definition.numerator, truths, cursor, row, missingVariables);
    }
    return {
      course_id: Number(row.id),
      patient_id: Number(row.patient_id),
      referral_date: String(row.referral_date),
      start_date: (row.start_date as string | null) ?? null,
      end_date: (row.end_date as string | null) ?? null,
      kind: row.kind as DrillDownRow['kind'],
      missing_variables: missingVariables,
      patient_name: (row.patient_name as string | null) ?? null,
      values: Object.fromEntries(columns.map((col) => [col, (row[col] as string | number | null) ?? null])),
    };
  });
}

/**
 * Kleene evaluation of a condition over the atoms' truth values (consumed in atomsOf order). The unregistered
 * variables under an undecided node are collected: registering any of them could decide the course (for HK01
 * either a start date or a reason for not starting).
 */
function explainUnknown(
  condition: Condition, truths: Truth[], cursor: { next: number }, row: Record<string, unknown>, into: CourseColumn[],
): void {
  const collected: CourseColumn[] = [];
  if (evaluate(condition, truths, cursor, row, collected) !== null) return;
  for (const col of collected) if (!into.includes(col)) into.push(col);
}

function evaluate(condition: Condition, truths: Truth[], cursor: { next: number }, row: Record<string, unknown>, collect: CourseColumn[]): Truth {
  if (condition.kind === 'not') {
    const inner = evaluate(condition.condition, truths, cursor, row, collect);
    return inner === null ? null : !inner;
  }
  if (condition.kind === 'all' || condition.kind === 'any') {
    const parts = condition.conditions.map((c) => {
      const own: CourseColumn[] = [];
      return { truth: evaluate(c, truths, cursor, row, own), own, isLeaf: c.kind !== 'all' && c.kind !== 'any' && c.kind !== 'not' };
    });
    const decisive = condition.kind === 'any';
    if (parts.some((p) => p.truth === decisive)) return decisive;
    if (parts.every((p) => p.truth === !decisive)) return !decisive;
    // An undecided part, or an unregistered variable whose registration alone would flip its part.
    for (const p of parts) if (p.truth === null || p.isLeaf) collect.push(...p.own);
    return null;
  }
  collect.push(...columnsOf(condition).filter((col) => row[col] === null || row[col] === undefined));
  return truths[cursor.next++];
}
