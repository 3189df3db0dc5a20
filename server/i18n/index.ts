import { da } from './da';
import { en } from './en';

export type Lang = 'da' | 'en';
export const LANGS: Lang[] = ['da', 'en'];
type Catalogue = { [key: string]: string | Catalogue };
const catalogues: Record<Lang, Catalogue> = { da, en };

function lookup(cat: Catalogue, key: string): string | undefined {
  let node: string | Catalogue | undefined = cat;
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** The text for key in lang (Danish when missing), with {name} placeholders filled from vars. */
export function t(lang: Lang, key: string, vars: Record<string, string | number> = {}): string {
  const text = lookup(catalogues[lang], key) ?? lookup(catalogues.da, key) ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Does the key exist in the Danish catalogue? (tests check every key used exists) */
export function hasKey(key: string): boolean {
  return lookup(catalogues.da, key) !== undefined;
}

export function isLang(v: unknown): v is Lang {
  return v === 'da' || v === 'en';
}
