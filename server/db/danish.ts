import type { Knex } from 'knex';
import { isPostgres } from './connect';

/**
 * Danish text for search and sort, computed by the application so SQLite and PostgreSQL give identical results:
 * SQLite's lower() and LIKE fold ASCII only, PostgreSQL's LIKE folds nothing, and their collations differ.
 */

/**
 * A text folded for case-insensitive search: Unicode NFC (a decomposed "Å" equals the composed one), Danish
 * lower case, runs of white space as one space, trimmed. Stored beside a name and applied to what is searched for.
 */
export function foldText(s: string): string;
export function foldText(s: string | null): string | null;
export function foldText(s: string | null): string | null {
  if (s === null) return null;
  return s.normalize('NFC').toLocaleLowerCase('da').replace(/\s+/gu, ' ').trim();
}

// Danish order puts æ ø å after z; ä ö sort as æ ø, ü as y, "aa" as å (Aabenraa after Vejle). Mapped to the three
// ASCII code points after "z" so a plain byte comparison orders … x y z æ ø å.
const DANISH_LETTERS: [RegExp, string][] = [
  [/aa/gu, '}'], [/[æä]/gu, '{'], [/[øö]/gu, '|'], [/å/gu, '}'], [/ü/gu, 'y'],
];

/**
 * The key that sorts a name in Danish order by byte comparison (SQLite's BINARY, PostgreSQL's "C" collation):
 * folded, æ ø å after z, other accents dropped (é as e). Ties are broken by the caller (the name, then the id).
 */
export function danishSortKey(s: string): string;
export function danishSortKey(s: string | null): string | null;
export function danishSortKey(s: string | null): string | null {
  if (s === null) return null;
  let key = foldText(s);
  for (const [re, to] of DANISH_LETTERS) key = key.replace(re, to);
  return key.normalize('NFD').replace(/\p{M}/gu, '');
}

/** A LIKE pattern that finds `folded` anywhere, with % _ and \ taken literally (use with `escape '\'`). */
export function containsPattern(folded: string): string {
  return '%' + folded.replace(/[\\%_]/g, (m) => '\\' + m) + '%';
}

/** ORDER BY a sort-key column by byte value on both engines (PostgreSQL's default collation would reorder it). */
export function byteOrder(db: Knex, column: string, direction: 'asc' | 'desc' = 'asc'): Knex.Raw {
  return isPostgres(db)
    ? db.raw(`?? COLLATE "C" ${direction} NULLS LAST`, [column])
    : db.raw(`?? ${direction} NULLS LAST`, [column]);
}
