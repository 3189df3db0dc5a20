import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { cprNo, notStartedCourse } from '../../integration/submissions/fixtures';
import { courseCount, csvOf } from '../../integration/imports/helpers';

/** A request whose body is sent chunked (no Content-Length), as a streaming client does. */
function chunkedPost(port: number, path: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, path, method: 'POST', headers: { ...headers, 'Transfer-Encoding': 'chunked' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    // The server may answer and close before the whole body is sent.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    for (let i = 0; i < body.length; i += 8192) req.write(body.subarray(i, i + 8192));
    req.end();
  });
}

describe('HTTP import: MAX_UPLOAD_MB for a chunked upload without Content-Length', () => {
  let t: TestApp;
  let therapist: LoggedIn;
  let server: http.Server;
  let port: number;
  const big = Buffer.from(csvOf(Array.from({ length: 2000 }, (_, i) => notStartedCourse({ cpr: cprNo(i) }))));
  before(async () => {
    t = await testApp({ maxUploadBytes: 64 * 1024 });
    therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    server = t.app.listen(0);
    port = (server.address() as AddressInfo).port;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  const cookie = async () => {
    const jar = (therapist.agent as unknown as { jar: { getCookies(a: object): { name: string; value: string }[] } }).jar;
    return jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).map((c) => `${c.name}=${c.value}`).join('; ');
  };

  it('the API answers 413 too_large and writes nothing', async () => {
    const res = await chunkedPost(port, '/api/v1/imports', { 'Content-Type': 'text/csv', Cookie: await cookie(), 'X-CSRF-Token': therapist.csrf }, big);

    expect(big.length).to.be.greaterThan(64 * 1024);
    expect(res.status).to.equal(413);
    expect(JSON.parse(res.text).error.code).to.equal('too_large');
    expect(await courseCount(t.db)).to.equal(0);
  });

  it('the page answers 413 with the limit in Danish and writes nothing', async () => {
    const boundary = 'hkboundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${therapist.csrf}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.csv"\r\nContent-Type: text/csv\r\n\r\n`),
      big, Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);

    const res = await chunkedPost(port, '/import', { 'Content-Type': `multipart/form-data; boundary=${boundary}`, Cookie: await cookie() }, body);

    expect(res.status).to.equal(413);
    expect(res.text).to.include('Filen er større end');
    expect(await courseCount(t.db)).to.equal(0);
  });
});
