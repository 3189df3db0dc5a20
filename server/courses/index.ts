/**
 * The courses feature's front door: what other features (imports, submissions, FHIR, pathway, dashboard, admin,
 * demo, cli) may use. Everything else in server/courses/ is internal; import from here only.
 */

// The data dictionary: variables, sections, code lists.
export {
  isRegistered, isVariableName, NATIONAL_VARIABLES, OUTPUT_ONLY, REQUIRED_AT_CREATE, SECTION_VARIABLES, testRange,
  VARIABLE, VARIABLE_NAMES, VARIABLES,
  type Condition, type CourseValues, type FormSection, type Section, type Value, type VariableDef, type VariableName,
} from './variables';
export { CODE_LISTS, codeLabel, codeOptions, codesOf, municipalityCodes, type CodeListName } from './code-lists';
export { COURSE_STATES, completeness, deriveState, derived, type CourseState, type Derived } from './completeness';

// Parse and validate: one parser for form, CSV and JSON input, one validation of a whole course.
export {
  applicability, courseWarnings, FieldVerdicts, inapplicableRegistered, ISSUE_CODES, issueMessage, label, parseCourseInput,
  validateCourse, validateCourseInput, validateCourseVariables, type InputMode, type Issue, type IssueCode, type ValidationContext,
} from './schemas';
export { displayValue, readableValue } from './form-view';

// Column mapping: stored rows ↔ values ↔ files and JSON.
export {
  COURSE_ROW_VARIABLES, courseColumns, courseJson, registeredValues, rowValues, toRecord, type CourseRecord,
} from './serialize';
export {
  exportColumns, exportSnapshot, formatCell, storedCourseBatches, toStoredCourse, writeCourseExport,
  type CourseBatchQuery, type StoredCourse,
} from './export';
export { afterManualSave, effectiveSources, storedSources, type Source, type Sources } from './sources';

// Merge of changes and the overlap rule.
export { coursesOverlap, firstOverlapping, occupiedDays, spansOverlap, type Occupied, type OccupyingCourse } from './overlap';
export { isUniqueViolation, updateCourseAtVersion, type CourseRow, type MatchedAs } from './queries';

// The service: the operations of the pages and the API, and of systems (the care-record intake).
export {
  annulCourse, annulSystemCourse, coursesByReferralIds, createCourse, getCourse, insertSystemCourse, linkedReferralIds,
  listCourses, patientAndOverlaps, PAGE_SIZE, readCourse, updateCourse, updateSystemCourse, worklist, worklistCounts,
  OVERDUE_DAYS, type CourseListFilter, type CourseScope, type WorklistFilter, type WorklistItem,
} from './service';

// Maintenance: the stored derivations recomputed (cli recompute-derived).
export { recomputeDerived, type RecomputeResult } from './recompute';

// The refusals: what a refused course operation throws, and the audit entries of course changes.
export {
  auditValues, courseAudit, courseIssueMessage, CourseValidationError, versionConflict,
} from './service-core';

// Routes.
export { coursesApi, courseScopeOf } from './api';
export { coursePages, startActions } from './routes';
