import pino, { Logger } from 'pino';

/** One JSON logger; credentials and cookies are never logged. */
export function createLogger(nodeEnv: string): Logger {
  return pino({
    level: nodeEnv === 'test' ? 'silent' : process.env.LOG_LEVEL ?? 'info',
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
  });
}
