/**
 * The patients feature's front door: one patient per (municipality_code, keyed CPR hash), the CPR itself only
 * encrypted. Other features import from here only.
 */
export {
  ageOn, birthDateFromCpr, cprCentury, cprIssue, cprLookupHash, CPR_MAX_AGE, CPR_MIN_AGE, decryptBytes, decryptCpr,
  encryptBytes, encryptCpr, normaliseCpr, pseudonym, sexFromCpr, type CprIssueCode,
} from './cpr';
export {
  demographicsOf, fillPatientDemographics, findOrCreatePatient, lockPatient, patientIdByHash, patientNameColumns,
  renamePatient, setPatientName,
} from './patients';
// The bulk find-or-create of many patients at once (the import).
export { ensurePatients } from './ensure';
