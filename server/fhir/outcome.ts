import { isVariableName, label } from '../courses';
import { t, type Lang } from '../i18n';
import { fhirCodeOf, severityOf, type Finding } from './findings';
import { SYSTEM } from './codes';
import type { BundleResult } from './service';

/** The answer: a FHIR OperationOutcome, or the course import report's shape (fhir.md "Interfaces"). */

/** The Danish (or English) text of a finding. */
export function diagnostics(f: Finding, lang: Lang): string {
  const vars: Record<string, string | number> = { ...(f.params ?? {}) };
  if (typeof vars.variable === 'string' && isVariableName(vars.variable)) vars.label = label(vars.variable, lang);
  if (f.courseId !== undefined) vars.id = f.courseId;
  if (f.variables) vars.variables = f.variables.length ? f.variables.join(', ') : '–';
  if (f.code === 'cpr_invalid' && typeof vars.rule === 'string') vars.message = t(lang, `validation.${vars.rule}`, { label: label('cpr', lang) });
  const key = f.code === 'not_applied' && vars.rule === 'end_missing' ? 'end_missing' : f.code;
  return t(lang, `fhir.issues.${key}`, vars);
}

const ORDER = { error: 0, warning: 1, information: 2 } as const;

function sorted(findings: Finding[]): Finding[] {
  const only404 = findings.filter((f) => f.code === 'sor_not_municipality');
  const list = only404.length ? only404 : findings;
  return list.map((f, i) => ({ f, i })).sort((a, b) => ORDER[severityOf(a.f.code)] - ORDER[severityOf(b.f.code)] || a.i - b.i).map((x) => x.f);
}

/** OperationOutcome with one issue per finding: errors, then warnings, then information. */
export function operationOutcome(r: BundleResult, lang: Lang): Record<string, unknown> {
  return {
    resourceType: 'OperationOutcome',
    issue: sorted(r.findings).map((f) => ({
      severity: severityOf(f.code),
      code: fhirCodeOf(f.code),
      details: { coding: [{ system: SYSTEM.issue, code: f.code }] },
      diagnostics: diagnostics(f, lang),
      ...(f.expression ? { expression: [f.expression] } : {}),
    })),
  };
}

export interface ImportReport {
  dry_run: boolean;
  bundles: number;
  created: number;
  updated: number;
  unchanged: number;
  courses: { bundle: string | null; action: string; id: number | null; fhir_referral_id: string | null; variables: string[] }[];
  errors: ReportIssue[];
  warnings: ReportIssue[];
  information: ReportIssue[];
}
interface ReportIssue { bundle: string | null; expression: string | null; code: string; message: string }

export function emptyReport(dryRun: boolean): ImportReport {
  return { dry_run: dryRun, bundles: 0, created: 0, updated: 0, unchanged: 0, courses: [], errors: [], warnings: [], information: [] };
}

/** Add one bundle's result to a report (`bundle` is the file name in the CLI, null in the API). */
export function addToReport(report: ImportReport, r: BundleResult, bundle: string | null, lang: Lang): ImportReport {
  report.bundles += 1;
  for (const c of r.courses) {
    report[c.action === 'create' ? 'created' : c.action === 'update' ? 'updated' : 'unchanged'] += 1;
    report.courses.push({ bundle, action: c.action, id: r.dryRun && c.action === 'create' ? null : c.id, fhir_referral_id: c.fhir_referral_id, variables: c.variables });
  }
  for (const f of sorted(r.findings)) {
    const s = severityOf(f.code);
    const list = s === 'error' ? report.errors : s === 'warning' ? report.warnings : report.information;
    list.push({ bundle, expression: f.expression, code: f.code, message: diagnostics(f, lang) });
  }
  return report;
}
