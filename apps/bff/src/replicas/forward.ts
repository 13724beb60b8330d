// Requests that need a cluster's live collector (operations, sim faults, what-if, a task's cancel) go to the
// replica holding the cluster's lease: a replica that mirrors the cluster forwards them there as they came,
// like the proxy in front would have (Host, X-Forwarded-For/Proto/Host, the cookie, the CSRF header), and
// returns the answer. The holder authenticates and audits the request itself (sessions are in the shared
// database) and must trust the forwarding replica's address (QUORATE_TRUST_PROXY, see the README). A
// forwarded request is never forwarded again: a replica that lost the lease meanwhile answers 503.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { ErrorRequestHandler, NextFunction, Request, Response } from 'express';

/** thrown where a request needs the collector of a cluster another replica runs: the request goes there */
export class LedElsewhere extends Error {
  constructor(readonly clusterId: string) {
    super(`cluster ${clusterId} runs on another replica`);
    this.name = 'LedElsewhere';
  }
}

/** marks a request a replica forwarded */
export const FORWARDED_HEADER = 'x-quorate-forwarded';
/** an operation answers at once (a long one runs as a task): a holder slower than this is taken as gone */
export const FORWARD_TIMEOUT_MS = 30_000;
/** what the holder's answer may be, at most: an answer is JSON of a few KB (a page of a list) */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/** request headers passed on: what the holder needs to authenticate, check origin and log the client */
const PASS_REQUEST = ['cookie', 'authorization', 'x-csrf-token', 'origin', 'referer', 'user-agent', 'accept', 'content-type', 'x-request-id'];
/** answer headers passed back */
const PASS_ANSWER = ['content-type', 'cache-control', 'set-cookie', 'retry-after', 'location', 'x-request-id'];

/**
 * The error handler's step before the last: a request a route found to need another replica's collector
 * (LedElsewhere) goes there; anything else passes on.
 */
export function forwardLedElsewhere(holderUrl: (clusterId: string) => Promise<string | null>, timeoutMs = FORWARD_TIMEOUT_MS): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof LedElsewhere)) return next(err);
    if (req.headers[FORWARDED_HEADER] !== undefined) {
      res.setHeader('Retry-After', '1');
      return void res.status(503).json({ error: 'this replica no longer runs the cluster: try again' });
    }
    holderUrl(err.clusterId)
      .then((url) => {
        if (url === null) {
          // it came here meanwhile: the caller tries again and finds it
          res.setHeader('Retry-After', '1');
          return void res.status(503).json({ error: `cluster ${err.clusterId} is starting on this replica: try again` });
        }
        return forward(req, res, url, timeoutMs);
      })
      .catch(next);
  };
}

function forward(req: Request, res: Response, holder: string, timeoutMs: number): Promise<void> {
  res.locals.forwarded = true;
  const target = new URL(req.originalUrl, holder);
  const headers: Record<string, string | string[]> = { [FORWARDED_HEADER]: '1' };
  for (const h of PASS_REQUEST) {
    const v = req.headers[h];
    if (v !== undefined) headers[h] = v;
  }
  // what the holder would have seen from the proxy: the client's address chain, scheme and host
  const chain = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = [chain, req.socket.remoteAddress].filter(Boolean).join(', ');
  headers['x-forwarded-proto'] = req.protocol;
  headers['x-forwarded-host'] = req.get('host') ?? '';
  headers.host = req.get('host') ?? target.host;
  // express.json() consumed the body: send what it parsed (every API body is JSON)
  const body = req.body !== undefined && !['GET', 'HEAD'].includes(req.method) ? Buffer.from(JSON.stringify(req.body)) : null;
  if (body) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(body.length);
  }
  return new Promise<void>((resolve) => {
    const out = httpRequest(target, { method: req.method, headers, timeout: timeoutMs }, (answer) => {
      const chunks: Buffer[] = [];
      let size = 0;
      answer.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_ANSWER_BYTES) return void answer.destroy(new Error(`the holder's answer is over ${MAX_ANSWER_BYTES} bytes`));
        chunks.push(c);
      });
      answer.on('error', (err) => fail(502, `the replica holding the cluster failed to answer: ${err.message}`));
      answer.on('end', () => {
        passAnswerHeaders(answer.headers, res);
        res.status(answer.statusCode ?? 502).end(Buffer.concat(chunks));
        resolve();
      });
    });
    const fail = (status: number, error: string) => {
      if (!res.headersSent) res.status(status).json({ error });
      resolve();
    };
    out.on('timeout', () => out.destroy(new Error('timeout')));
    out.on('error', (err) =>
      err.message === 'timeout'
        ? fail(504, `the replica holding the cluster did not answer within ${timeoutMs / 1000} s`)
        : fail(502, `the replica holding the cluster cannot be reached: ${err.message}`),
    );
    out.end(body ?? undefined);
  });
}

function passAnswerHeaders(from: IncomingHttpHeaders, res: Response): void {
  for (const h of PASS_ANSWER) {
    const v = from[h];
    if (v !== undefined) res.setHeader(h, v);
  }
}
