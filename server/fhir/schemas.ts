import { z } from 'zod';
import { isIsoDate } from '../time';
import {
  CAREPLAN_ACTIVITY_STATUS, CATEGORY_FOLLOW_UP, CATEGORY_INTERVENTION, ENCOUNTER_STATUS, PROFILE_DELIVERY_REPORT,
  REASONS, REQUEST_STATUS, RESOURCE_TYPES,
} from './codes';

/**
 * zod schemas of the elements a delivery report is read for (fhir.md "What a delivery report must be"). Each zod
 * issue message is our issue code; the path becomes the FHIRPath expression. Elements not named are ignored.
 */

type Code = 'required' | 'date_invalid' | 'code_invalid' | 'not_delivery_report' | 'resource_type';

/** An error function: absent → `required`, present but wrong → `code`. */
const err = (code: Code) => ({ error: (iss: { input?: unknown }) => (iss.input === undefined ? 'required' : code) });

const DATE_RE = /^(\d{4}-\d{2}-\d{2})(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)))?$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/;

/** A full FHIR date or dateTime (YYYY-MM-DD, optionally with time and zone). */
export const fhirDate = z.string(err('date_invalid'))
  .refine((s) => { const m = DATE_RE.exec(s); return m !== null && isIsoDate(m[1]); }, 'date_invalid');
export const fhirInstant = z.string(err('date_invalid'))
  .refine((s) => INSTANT_RE.test(s) && isIsoDate(s.slice(0, 10)), 'date_invalid');

/** FHIR's id type. */
export const fhirId = z.string(err('resource_type')).regex(/^[A-Za-z0-9\-.]{1,64}$/, 'resource_type');

const coding = z.looseObject({ system: z.string().optional(), code: z.string().optional() });
const codeable = z.looseObject({ coding: z.array(coding).optional() });
const reference = z.looseObject({ reference: z.string().optional() });
const identifier = z.looseObject({ system: z.string().optional(), value: z.string().optional() });
const extension = z.looseObject({ url: z.string(), valueReference: reference.optional() });
const period = z.looseObject({ start: fhirDate, end: fhirDate.optional() }, err('required'));

export const bundleSchema = z.looseObject({
  resourceType: z.literal('Bundle', err('not_delivery_report')),
  type: z.literal('collection', err('not_delivery_report')),
  meta: z.looseObject({
    profile: z.array(z.string(), err('not_delivery_report'))
      .refine((p) => p.some((u) => u === PROFILE_DELIVERY_REPORT || u.startsWith(PROFILE_DELIVERY_REPORT + '|')), 'not_delivery_report'),
  }, err('not_delivery_report')),
  entry: z.array(z.looseObject({
    fullUrl: z.string().optional(),
    resource: z.looseObject({ resourceType: z.enum(RESOURCE_TYPES, err('resource_type')), id: fhirId }, err('resource_type')),
  }, err('resource_type')), err('not_delivery_report')),
});

export const patientSchema = z.looseObject({
  identifier: z.array(identifier).optional(),
  managingOrganization: z.looseObject({ identifier: identifier.optional() }).optional(),
  deceasedBoolean: z.boolean(err('code_invalid')),
  active: z.boolean(err('code_invalid')).optional(),
});

export const organizationSchema = z.looseObject({
  identifier: z.array(identifier, err('required')).min(1, 'required'),
});

export const conditionSchema = z.looseObject({
  subject: reference.optional(),
  code: codeable.optional(),
  verificationStatus: codeable.optional(),
});

export const serviceRequestSchema = z.looseObject({
  subject: reference.optional(),
  status: z.enum(REQUEST_STATUS, err('code_invalid')),
  authoredOn: fhirDate,
  requester: reference.optional(),
  reasonReference: z.array(reference).optional(),
  replaces: z.array(reference).optional(),
});

const reasonCode = codeable.refine((c) => (c.coding ?? []).some((x) => x.code !== undefined && x.code in REASONS), 'code_invalid');

export const carePlanSchema = z.looseObject({
  subject: reference.optional(),
  status: z.enum(REQUEST_STATUS, err('code_invalid')),
  category: z.array(codeable.refine((c) => (c.coding ?? []).some((x) => x.code === CATEGORY_INTERVENTION || x.code === CATEGORY_FOLLOW_UP),
    'code_invalid')).optional(),
  period,
  activity: z.array(z.looseObject({
    detail: z.looseObject({
      status: z.enum(CAREPLAN_ACTIVITY_STATUS, err('code_invalid')),
      statusReason: reasonCode.optional(),
      code: codeable.optional(),
    }, err('required')),
  }), err('required')).min(1, 'required'),
  basedOn: z.array(reference).optional(),
  extension: z.array(extension).optional(),
});

export const encounterSchema = z.looseObject({
  subject: reference.optional(),
  status: z.enum(ENCOUNTER_STATUS, err('code_invalid')),
  period,
  extension: z.array(extension).optional(),
});

export const RESOURCE_SCHEMAS = {
  Patient: patientSchema,
  Organization: organizationSchema,
  Condition: conditionSchema,
  ServiceRequest: serviceRequestSchema,
  CarePlan: carePlanSchema,
  Encounter: encounterSchema,
} as const;

export type ZodIssue = z.core.$ZodIssue;
