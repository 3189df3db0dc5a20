import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const SERVER = path.join(__dirname, '../../../server');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Folder → the server folders its files import (relative imports resolved; the root's own files are "."). */
function folderEdges(): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const file of tsFiles(SERVER)) {
    const from = path.relative(SERVER, file).split(path.sep)[0];
    const folder = from.endsWith('.ts') ? '.' : from;
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const target = path.relative(SERVER, path.resolve(path.dirname(file), m[1])).split(path.sep)[0];
      if (!target || target.startsWith('..') || target === folder) continue;
      if (!edges.has(folder)) edges.set(folder, new Set());
      edges.get(folder)!.add(fs.existsSync(path.join(SERVER, target + '.ts')) ? '.' : target);
    }
  }
  return edges;
}

describe('folder layering of access, login machinery, audit and http (issue 9 item 3)', () => {
  const edges = folderEdges();
  const imports = (a: string, b: string) => edges.get(a)?.has(b) ?? false;

  it('has no folder cycle, of any length, among auth, access, audit and http', () => {
    const folders = ['auth', 'access', 'audit', 'http'];
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      folders.some((f) => imports(from, f) && !seen.has(f) && (f === to || reaches(f, to, seen.add(f))));
    const cycles = folders.flatMap((a) => folders.filter((b) => a < b && reaches(a, b) && reaches(b, a)).map((b) => `${a} ⇄ ${b}`));
    expect(cycles).to.deep.equal([]);
  });

  it('http/ imports no feature folder (only i18n, db and the root config)', () => {
    const allowed = new Set(['i18n', 'db', '.']);
    expect([...(edges.get('http') ?? [])].filter((f) => !allowed.has(f))).to.deep.equal([]);
  });

  it('the features reach the login machinery and access control only through their index.ts', () => {
    const deep: string[] = [];
    for (const file of tsFiles(SERVER)) {
      const rel = path.relative(SERVER, file);
      const own = rel.split(path.sep)[0];
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/from '((?:\.\.\/)+|\.\/)(auth|access)\/[\w-]+'/g)) {
        if (m[2] !== own) deep.push(`${rel}: ${m[0]}`);
      }
    }
    expect(deep).to.deep.equal([]);
  });
});
