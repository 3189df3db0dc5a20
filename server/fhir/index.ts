/** The care-record intake (fhir.md): KL Gateway §119 delivery reports → courses. */
export { fhirApi, fhirErrorHandler } from './api';
export { fhirAdminRoutes } from './routes';
export { importBundle, type BundleResult, type ImportContext } from './service';
export { addToReport, emptyReport, operationOutcome, type ImportReport } from './outcome';
export { importSorList } from './sor';
