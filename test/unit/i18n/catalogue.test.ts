import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { da } from '../../../server/i18n/da';
import { en } from '../../../server/i18n/en';
import { hasKey } from '../../../server/i18n';
import { ROOT } from '../../../server/paths';

type Node = { [key: string]: string | Node };

function keys(node: Node, prefix = ''): string[] {
  return Object.entries(node).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, prefix + k + '.')));
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const FOUNDATION_VIEWS = ['layouts', 'partials', 'auth', 'admin', 'errors'].flatMap((d) => files(path.join(ROOT, 'views', d)));

describe('message catalogues', () => {
  it('Danish and English hold exactly the same keys', () => {
    const daKeys = keys(da as unknown as Node), enKeys = keys(en as unknown as Node);

    expect(daKeys.filter((k) => !enKeys.includes(k)), 'missing in en').to.deep.equal([]);
    expect(enKeys.filter((k) => !daKeys.includes(k)), 'missing in da').to.deep.equal([]);
  });

  it('every {{t "key"}} of the layout, partials, login, administration and error views exists', () => {
    const used = FOUNDATION_VIEWS.flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/\(?\bt "([\w.]+)"/g)].map((m) => m[1]));

    expect(used.length).to.be.greaterThan(50);
    expect(used.filter((k) => !hasKey(k))).to.deep.equal([]);
  });

  it('those views hold no visible text outside the catalogue (only tags, expressions and punctuation)', () => {
    const offenders = FOUNDATION_VIEWS.flatMap((f) => {
      const text = fs.readFileSync(f, 'utf8')
        .replace(/\{\{!--[\s\S]*?--\}\}/g, '')
        .replace(/\{\{[\s\S]*?\}\}/g, '')
        .replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
        .replace(/<[^>]*>/g, ' ');
      return (text.match(/[A-Za-zÆØÅæøå]{2,}/g) ?? []).map((w) => `${path.relative(ROOT, f)}: ${w}`);
    });

    expect(offenders).to.deep.equal([]);
  });
});
