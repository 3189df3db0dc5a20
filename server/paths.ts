import fs from 'node:fs';
import path from 'node:path';

/** The project root (holds package.json), found from this file both in the source tree and in dist/. */
function findRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + start);
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot(__dirname);
export const VIEWS_DIR = path.join(ROOT, 'views');
export const STATIC_DIR = path.join(ROOT, 'static');
export const SEED_DATA_DIR = path.join(ROOT, 'seeds', 'data');
