import type { IncomingMessage } from 'node:http';
import pino, { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { AppContext } from './http/context';
import { pathWithoutQuery } from './http/request';

/** One JSON logger; credentials and cookies are never logged. */
export function createLogger(nodeEnv: string): Logger {
  return pino({
    level: nodeEnv === 'test' ? 'silent' : process.env.LOG_LEVEL ?? 'info',
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
  });
}

/** One line per request: method, path without the query (it could hold a CPR), status and time; no headers. */
export function requestLogger(ctx: AppContext) {
  return pinoHttp({
    logger: ctx.logger,
    autoLogging: { ignore: (req) => req.url?.startsWith('/static/') || req.url?.startsWith('/vendor/') || false },
    serializers: {
      req: (req: IncomingMessage & { raw?: IncomingMessage }) => ({ method: req.method, path: pathWithoutQuery(req.url ?? '') }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
