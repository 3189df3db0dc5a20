import type { Logger } from 'pino';

/** The process events the last-resort policy listens to (a real `process`, or a stand-in in tests). */
export interface ProcessEvents {
  on(event: 'uncaughtException', listener: (err: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

/**
 * Last resort: an error that escaped every request (a stream, socket, child or timer error nothing listened to) is
 * logged and the process keeps serving. Every request path is written so nothing escapes (its errors answer 4xx/5xx
 * through the error handler); this only keeps a slip from taking every other user's requests with it. The state a
 * slip can leave behind is per request (streams, sockets): sessions, counters and data live in the database.
 */
export function installLastResortHandlers(proc: ProcessEvents, logger: Pick<Logger, 'error'>): void {
  proc.on('uncaughtException', (err) => {
    logger.error({ err }, 'uncaught exception (escaped a request); the server keeps serving');
  });
  proc.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection (escaped a request); the server keeps serving');
  });
}
