import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { checkMultipartCsrf } from '../auth';
import { HttpError, Invalid } from '../http/errors';
import { t, type Lang } from '../i18n';
import { FileFault } from './parse';

/** A body that broke off or was malformed on the way (client fault): 400 at `file`, never an unhandled error. */
export class BrokenUpload extends Invalid {
  readonly clientFault = true;
  constructor(lang: Lang, override readonly cause?: unknown) {
    super({ file: t(lang, 'imports.upload_broken') });
  }
}

/**
 * The bytes of an upload, with any error of the stream itself (an aborted request, a multipart body without its
 * closing boundary) turned into BrokenUpload. Our own typed errors (TooLarge, FileFault) pass unchanged.
 */
export async function* guardedUpload(source: AsyncIterable<Buffer | string>, lang: Lang): AsyncGenerator<Buffer | string> {
  try {
    for await (const chunk of source) yield chunk;
  } catch (err) {
    if (err instanceof HttpError || err instanceof FileFault) throw err;
    throw new BrokenUpload(lang, err);
  }
}

/**
 * The first file part of a multipart upload, as a stream (busboy: parsed as it arrives, never buffered whole).
 * Every error of the request, busboy or the file stream has a listener from the first moment, so none can escape
 * the request; a broken body rejects (or ends the file stream) with BrokenUpload.
 */
export function uploadedFile(req: Request, maxBytes: number): Promise<Readable> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      // One byte over the limit reaches the import's counter, which answers 413.
      bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes + 1, fields: 20 } });
    } catch {
      return reject(new Invalid({ file: t(req.lang, 'imports.no_file') }));
    }
    let file: Readable | undefined;
    const broken = (err: unknown) => {
      const fault = new BrokenUpload(req.lang, err);
      if (file && !file.destroyed) file.destroy(fault);
      reject(fault);
    };
    let csrf: string | undefined;
    bb.on('field', (name, value) => { if (name === '_csrf') csrf = value; });
    bb.on('file', (_name, stream) => {
      // The page form's CSRF token comes as a field before the file (never in the query string).
      try {
        checkMultipartCsrf(req, csrf);
      } catch (err) {
        stream.on('error', () => undefined);
        stream.resume();
        return reject(err);
      }
      file = stream;
      // The stream may be destroyed (by busboy) before the importer starts reading it: the error is kept, not thrown.
      stream.on('error', () => undefined);
      resolve(stream);
    });
    bb.on('error', broken);
    bb.on('close', () => reject(new Invalid({ file: t(req.lang, 'imports.no_file') })));
    req.on('error', broken);
    req.on('aborted', () => broken(new Error('request aborted')));
    req.pipe(bb);
  });
}
