import { expect } from 'chai';
import { Conflict, Invalid, NotFound } from '../../../server/http/errors';
import { invalidFields, renderRefusal } from '../../../server/http/refusal';

describe('renderRefusal: the one catch-and-re-render of a form', () => {
  it('gives the work’s value and renders nothing when the work succeeds', async () => {
    const rendered: unknown[] = [];
    const done = await renderRefusal(async () => 42, (err) => { rendered.push(err); });
    expect(done).to.deep.equal({ refused: false, value: 42 });
    expect(rendered).to.have.length(0);
  });

  it('renders an Invalid (the default kind) with its fields and reports refused', async () => {
    const rendered: Invalid[] = [];
    const done = await renderRefusal(async () => { throw new Invalid({ email: 'Skriv en e-mail' }); },
      (err) => { rendered.push(err); });
    expect(done).to.deep.equal({ refused: true });
    expect(rendered.map((e) => e.fields)).to.deep.equal([{ email: 'Skriv en e-mail' }]);
  });

  it('lets every other error through to the error handler, unrendered', async () => {
    let rendered = 0;
    const attempt = renderRefusal(async () => { throw new NotFound(); }, () => { rendered++; });
    let thrown: unknown;
    try { await attempt; } catch (e) { thrown = e; }
    expect(thrown).to.be.instanceOf(NotFound);
    expect(rendered).to.equal(0);
  });

  it('renders the kinds it is given, and waits for an asynchronous render', async () => {
    const order: string[] = [];
    const done = await renderRefusal(async () => { throw new Conflict('overlap', 'Overlapper'); },
      async (err) => { await new Promise((r) => setTimeout(r, 5)); order.push(err.message); }, [Invalid, Conflict]);
    order.push('after');
    expect(done.refused).to.equal(true);
    expect(order).to.deep.equal(['Overlapper', 'after']);
  });

  it('lists an Invalid’s fields for a form, renamed where the form names them otherwise', () => {
    const err = new Invalid({ indicatorId: 'Vælg en indikator', threshold: 'Skriv en procent' });
    expect(invalidFields(err, { indicatorId: 'indicator_id' })).to.deep.equal([
      { field: 'indicator_id', message: 'Vælg en indikator' }, { field: 'threshold', message: 'Skriv en procent' },
    ]);
  });
});
