/**
 * Indicator standards, the admin page /admin/standarder: read by every admin, set by an admin with scope DK
 * (validated, audited). The thresholds themselves, as the indicator engine reads them, are `indicators/standards.ts`.
 */
export { standardsRoutes } from './routes';
export { changeStandard, setStandard, type StandardChange } from './service';
export { percentToThreshold } from './schemas';
