// Structured logs (pino) and the HTTP access log (pino-http). Secrets are redacted before they are written.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { LogLevel } from './config';

export type { Logger };

/** where secrets can appear in logged objects: request headers, and credential fields one or two levels deep */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-auth-token"]',
  'res.headers["set-cookie"]',
  'password',
  'token',
  'secret',
  'apiToken',
  'tokenSecret',
  '*.password',
  '*.token',
  '*.secret',
  '*.apiToken',
  '*.tokenSecret',
  '*.*.password',
  '*.*.token',
  '*.*.secret',
  '*.*.apiToken',
  '*.*.tokenSecret',
];

export function createLogger(level: LogLevel): Logger {
  return pino({ level, redact: { paths: redactPaths, censor: '[redacted]' } });
}

/** probes and scrapes would drown the access log */
const quietPaths = new Set(['/healthz', '/api/v1/healthz', '/metrics']);

export function httpLogger(logger: Logger) {
  return pinoHttp<IncomingMessage, ServerResponse>({
    logger,
    autoLogging: { ignore: (req) => quietPaths.has((req.url ?? '').split('?')[0] ?? '') },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
  });
}
