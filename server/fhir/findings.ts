/** Our issue codes, their FHIR issue type and severity (fhir.md "Severities"). */

export type Severity = 'error' | 'warning' | 'information';

export interface Finding {
  code: string;
  /** FHIRPath from Bundle, entries from 0; null for a finding about no element */
  expression: string | null;
  params?: Record<string, string | number>;
  /** the course an information names */
  courseId?: number;
  fhirReferralId?: string | null;
  variables?: string[];
}

const ERRORS: Readonly<Record<string, string>> = {
  not_json: 'structure',
  control_character: 'structure',
  not_delivery_report: 'structure',
  resource_type: 'structure',
  citizen_count: 'structure',
  cpr_invalid: 'value',
  sor_invalid: 'value',
  sor_not_municipality: 'not-found',
  subject_mismatch: 'invalid',
  careplan_kind: 'structure',
  required: 'required',
  date_invalid: 'value',
  code_invalid: 'code-invalid',
  status_reason: 'invariant',
  intervention_plan: 'invariant',
  overlap: 'conflict',
  patient_mismatch: 'conflict',
};

export const INFORMATION = new Set(['created', 'updated', 'unchanged', 'not_cardiac', 'nothing_to_do']);

export function severityOf(code: string): Severity {
  if (code in ERRORS) return 'error';
  return INFORMATION.has(code) ? 'information' : 'warning';
}

export function fhirCodeOf(code: string): string {
  return ERRORS[code] ?? (INFORMATION.has(code) ? 'informational' : 'business-rule');
}

export const CONFLICTS = new Set(['overlap', 'patient_mismatch']);

export const at = (code: string, expression: string | null, params?: Finding['params']): Finding =>
  (params ? { code, expression, params } : { code, expression });
