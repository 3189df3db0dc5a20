import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { installLastResortHandlers, type ProcessEvents } from '../../server/process-guard';

describe('last-resort process handlers', () => {
  it('log an escaped exception or rejection and keep the process (no exit)', () => {
    const proc = new EventEmitter();
    const logged: string[] = [];
    installLastResortHandlers(proc as unknown as ProcessEvents, { error: (_o: unknown, msg?: string) => { logged.push(msg ?? ''); } } as never);

    proc.emit('uncaughtException', new Error('stream error nobody handled'));
    proc.emit('unhandledRejection', new Error('forgotten promise'));

    expect(logged).to.have.length(2);
    expect(logged[0]).to.include('keeps serving');
    expect(proc.listenerCount('uncaughtException')).to.equal(1);
  });
});
