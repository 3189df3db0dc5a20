import yazl from 'yazl';
import { formatCell, NATIONAL_VARIABLES, type StoredCourse } from '../courses';
import type { CourseReasons } from './validate';

export const MANIFEST_FORMAT = 'hjertekvalitet-dhrd';
export const MANIFEST_FORMAT_VERSION = 1;

export interface Manifest {
  id: number;
  format: typeof MANIFEST_FORMAT;
  format_version: typeof MANIFEST_FORMAT_VERSION;
  scope: string;
  period: { from: string; to: string };
  created_at: string;
  created_by: string;
  record_count: number;
  replaces: number[];
  excluded: CourseReasons[];
  withdrawn: number[];
  sha256: string;
}

export interface FileNames { csv: string; manifest: string; zip: string }

/** A timestamp to the second, as in the manifest and the file name: YYYY-MM-DDTHH:MM:SSZ. */
export function secondsIso(now: Date): string {
  return now.toISOString().slice(0, 19) + 'Z';
}

/** dhrd-<scope>-<YYYYMMDD>-<YYYYMMDD>-<YYYYMMDDTHHMMSSZ> with .csv, .manifest.json and .zip. */
export function fileNames(scope: string, from: string, to: string, createdAt: string): FileNames {
  const compact = (s: string) => s.replace(/[-:]/g, '');
  const base = `dhrd-${scope}-${compact(from)}-${compact(to)}-${compact(createdAt)}`;
  return { csv: base + '.csv', manifest: base + '.manifest.json', zip: base + '.zip' };
}

export const CSV_HEADER = ['course_id', ...NATIONAL_VARIABLES].join(';') + '\n';

/**
 * One record: course_id, then the N variables in N order. No quoting is needed: every N variable is a code, a
 * date, a number or a patterned ICD-10 code, and only schema-valid courses get here.
 */
export function csvLine(course: StoredCourse): string {
  return [String(course.id), ...NATIONAL_VARIABLES.map((v) => formatCell(v, course.values[v]))].join(';') + '\n';
}

/** The manifest's bytes: its keys in the order of formats.md, two-space indented, final newline. */
export function manifestBytes(m: Manifest): Buffer {
  const ordered: Manifest = {
    id: m.id, format: m.format, format_version: m.format_version, scope: m.scope, period: m.period,
    created_at: m.created_at, created_by: m.created_by, record_count: m.record_count, replaces: m.replaces,
    excluded: m.excluded, withdrawn: m.withdrawn, sha256: m.sha256,
  };
  return Buffer.from(JSON.stringify(ordered, null, 2) + '\n', 'utf8');
}

/** The ZIP of both files, every entry dated created_at, so the same inputs give the same bytes. */
export function zipBytes(files: { name: string; data: Buffer }[], createdAt: string): Promise<Buffer> {
  const mtime = new Date(createdAt);
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addBuffer(f.data, f.name, { mtime, mode: 0o100644, compress: true });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
