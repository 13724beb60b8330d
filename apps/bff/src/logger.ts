// Structured logs (pino) and the HTTP access log (pino-http). Secrets are redacted before they are written.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { LogLevel } from './config';

export type { Logger };

/** where secrets can appear in logged objects: request headers, and credential fields one or two levels deep */
/** credential fields: wherever they sit one or two levels deep in a logged object */
const secretFields = ['password', 'currentPassword', 'newPassword', 'token', 'secret', 'apiToken', 'tokenSecret', 'authorization', 'cookie'];

/** where secrets can appear in logged objects: request/response headers, and credential fields */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-auth-token"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...secretFields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  '["set-cookie"]',
  '*["set-cookie"]',
  '*.*["set-cookie"]',
];

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: redactPaths, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

/** probes and scrapes would drown the access log */
const quietPaths = new Set(['/healthz', '/api/v1/healthz', '/metrics']);

export function httpLogger(logger: Logger) {
  return pinoHttp<IncomingMessage, ServerResponse>({
    logger,
    autoLogging: { ignore: (req) => quietPaths.has((req.url ?? '').split('?')[0] ?? '') },
    // response headers are ours (CSP etc.) and the same on every line: the status is what matters
    serializers: { res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
  });
}
