import { expect } from 'chai';
import type { Request } from 'express';
import { hasControlChar, normaliseInput } from '../../server/http/input';

function run(body: unknown, query: Record<string, unknown> = {}): Request {
  const req = { body, query } as unknown as Request;
  normaliseInput()(req, {} as never, () => undefined);
  return req;
}

describe('the input edge', () => {
  it('keeps a "__proto__" key of a JSON body as an own key, never as the prototype', () => {
    const req = run(JSON.parse('{"__proto__": {"state": "closed"}, "q": "x"}'));
    expect(Object.getPrototypeOf(req.body)).to.equal(Object.prototype);
    expect(Object.keys(req.body)).to.deep.equal(['__proto__', 'q']);
    expect((req.body as { state?: string }).state).to.equal(undefined);
  });

  it('normalises to NFC in bodies, arrays and query strings, and records control characters per top-level field', () => {
    const req = run({ name: 'A\u030Ase', list: ['o\u0308', 'x\u0000'] }, { q: 'e\u0301', bad: '\u001b' });
    expect(req.body).to.deep.equal({ name: 'Åse', list: ['ö', 'x\u0000'] });
    expect(req.query).to.deep.equal({ q: 'é', bad: '\u001b' });
    expect(req.inputFaults).to.deep.equal({ list: 'control_char', bad: 'control_char' });
  });

  it('allows tab and line breaks only in a multi-line field; nesting deeper than 32 is a fault', () => {
    expect(hasControlChar('a\r\nb', true)).to.equal(false);
    expect(hasControlChar('a\r\nb')).to.equal(true);
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(run({ deep }).inputFaults).to.deep.equal({ deep: 'too_deep' });
  });
});
