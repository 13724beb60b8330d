// Structured logs (pino) and the HTTP access log (pino-http). Secrets are redacted before they are written;
// the access log records paths without query strings.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { LogLevel } from './config';
import { prettyStream, type LogFormat } from './log-format';

export type { Logger };

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

/**
 * format: readable lines (a terminal) or JSON (default unless told; see log-format.ts). onError: told of every
 * error logged with `{err}` — the store hears of a corruption error wherever it surfaced (a checkpoint, the
 * collector's event append, a task save), not only in a request. (Below LOG_LEVEL=error it hears nothing: the
 * hourly quick_check still finds damage.)
 */
export function createLogger(level: LogLevel, destination?: DestinationStream, format: LogFormat = 'json', onError?: (err: unknown) => void): Logger {
  const options = {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    ...(onError
      ? {
          hooks: {
            logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...a: Parameters<Logger['info']>) => void) {
              const first: unknown = args[0];
              if (first && typeof first === 'object' && 'err' in first && first.err instanceof Error) onError(first.err);
              method.apply(this, args);
            },
          },
        }
      : {}),
  };
  if (destination) return pino(options, destination);
  return format === 'pretty' ? pino(options, prettyStream()) : pino(options);
}

/**
 * A URL without its query string (and fragment): a query may carry a secret (?token=, ?access_token=,
 * a signed link), so logs keep the path only. An absolute URL keeps its origin.
 */
export function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

/** request headers that carry a URL (ours or one a proxy copied): logged without their query strings */
const urlHeaders = ['referer', 'x-original-url', 'x-forwarded-uri', 'x-rewrite-url'];

/** what the access log says about a request (pino-std-serializers' shape, minus query strings and parsed queries) */
interface LoggedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
  remotePort?: number;
}
function requestLine(req: LoggedRequest): LoggedRequest {
  const headers = { ...req.headers };
  for (const h of urlHeaders) if (typeof headers[h] === 'string') headers[h] = withoutQuery(headers[h]);
  return { id: req.id, method: req.method, url: withoutQuery(req.url ?? ''), headers, remoteAddress: req.remoteAddress, remotePort: req.remotePort };
}

/** probes and scrapes would drown the access log */
const quietPaths = new Set(['/healthz', '/api/v1/healthz', '/metrics']);

export function httpLogger(logger: Logger) {
  return pinoHttp<IncomingMessage, ServerResponse>({
    logger,
    autoLogging: { ignore: (req) => quietPaths.has(withoutQuery(req.url ?? '')) },
    serializers: {
      // the path, never the query string (nor Express's parsed req.query): it may carry a token
      req: requestLine,
      // response headers are ours (CSP etc.) and the same on every line: the status is what matters
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
  });
}
