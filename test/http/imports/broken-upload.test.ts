import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import pino from 'pino';
import { createApp } from '../../../server/app';
import { loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { cprNo, notStartedCourse } from '../../integration/submissions/fixtures';
import { courseCount, csvOf } from '../../integration/imports/helpers';

/** Sends raw bytes on a socket and returns the status line's code ('' when the server closed without answering). */
function rawRequest(port: number, head: string, body: Buffer, opts: { abortAfterMs?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (c) => { answer += c.toString('latin1'); });
    socket.on('error', () => resolve(''));
    socket.on('close', () => resolve(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? ''));
    socket.write(head + '\r\n\r\n');
    socket.write(body);
    if (opts.abortAfterMs !== undefined) setTimeout(() => socket.destroy(), opts.abortAfterMs);
  });
}

describe('HTTP: a broken or aborted upload body is a 400 client fault and never stops the server', () => {
  let t: TestApp;
  let therapist: LoggedIn;
  let server: http.Server;
  let port: number;
  const logLines: string[] = [];
  const csv = csvOf([notStartedCourse({ cpr: cprNo(1) })]);

  before(async () => {
    t = await testApp();
    therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    const sink = new Writable({ write(chunk, _enc, cb) { logLines.push(String(chunk)); cb(); } });
    // The same database and sessions, with a logger we can read.
    const app = createApp({ ...t.ctx, logger: pino({ level: 'info' }, sink) });
    server = app.listen(0);
    port = (server.address() as AddressInfo).port;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  const cookie = () => {
    const jar = (therapist.agent as unknown as { jar: { getCookies(a: object): { name: string; value: string }[] } }).jar;
    return jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).map((c) => `${c.name}=${c.value}`).join('; ');
  };
  const multipartHead = (length: number) => [
    'POST /import?dry_run=1 HTTP/1.1', 'Host: 127.0.0.1', `Cookie: ${cookie()}`,
    'Content-Type: multipart/form-data; boundary=hkb', `Content-Length: ${length}`, 'Connection: close',
  ].join('\r\n');
  // The page form sends its CSRF token as a field before the file (never in the query string).
  const csrfField = () => `--hkb\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${therapist.csrf}\r\n`;
  const filePart = `--hkb\r\nContent-Disposition: form-data; name="file"; filename="f.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}`;
  let part = '';
  before(() => { part = csrfField() + filePart; });

  it('a multipart body without its closing boundary answers 400 at the file, while a parallel request is served', async () => {
    const body = Buffer.from(part);
    const [broken, health, page] = await Promise.all([
      rawRequest(port, multipartHead(body.length), body),
      new Promise<number>((resolve) => http.get({ port, path: '/api/v1/health' }, (r) => { r.resume(); resolve(r.statusCode!); })),
      therapist.agent.get('/import'),
    ]);

    expect(broken).to.equal('400');
    expect(health).to.equal(200);
    expect(page.status).to.equal(200);
    expect(logLines.join('')).to.include('client fault').and.not.include('unhandled error');
    expect(await courseCount(t.db)).to.equal(0);
  });

  it('every truncation point of a multipart body answers 400 (or the report), never 5xx', async () => {
    const whole = Buffer.from(part + '\r\n--hkb--\r\n');
    for (const cut of [0, 3, 20, 60, 90, part.length - 5, part.length, part.length + 4]) {
      const body = whole.subarray(0, cut);
      const status = await rawRequest(port, multipartHead(body.length), body);
      expect(['200', '400'], `cut at ${cut}: ${status}`).to.include(status);
    }
  });

  it('a client that hangs up half way through a page or API upload leaves the server answering', async () => {
    const body = Buffer.from(part);
    await rawRequest(port, multipartHead(body.length + 10_000), body, { abortAfterMs: 50 });
    const apiHead = [
      'POST /api/v1/imports?dry_run=1 HTTP/1.1', 'Host: 127.0.0.1', `Cookie: ${cookie()}`, `X-CSRF-Token: ${therapist.csrf}`,
      'Content-Type: text/csv', 'Content-Length: 100000',
    ].join('\r\n');
    await rawRequest(port, apiHead, Buffer.from(csv), { abortAfterMs: 50 });
    await new Promise((r) => setTimeout(r, 50));

    const after = await therapist.agent.post('/api/v1/imports?dry_run=1').set('X-CSRF-Token', therapist.csrf).type('text/csv').send(csv);
    expect(after.status).to.equal(200);
    expect(logLines.join('')).to.not.include('unhandled error');
  });

  it('an API upload whose chunked body breaks off answers 400 as a client fault', async () => {
    const apiHead = [
      'POST /api/v1/imports?dry_run=1 HTTP/1.1', 'Host: 127.0.0.1', `Cookie: ${cookie()}`, `X-CSRF-Token: ${therapist.csrf}`,
      'Content-Type: text/csv', 'Transfer-Encoding: chunked', 'Connection: close',
    ].join('\r\n');
    // A chunk announced as 0x1000 bytes, then a malformed chunk header: the HTTP parser's error reaches the importer.
    const status = await rawRequest(port, apiHead, Buffer.from(`${csv.length.toString(16)}\r\n${csv}\r\nzz\r\n`));
    expect(['400', '']).to.include(status);
    expect(logLines.join('')).to.not.include('unhandled error');
  });
});
