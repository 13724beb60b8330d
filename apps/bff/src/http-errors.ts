// Every error of the REST API becomes the one ApiError shape here: {error, issues?}.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import type { ApiError } from '@quorate/model';
import { isUnreachable, type Store } from '@quorate/store';
import type { Logger } from './logger';

export type Issue = { path: string; message: string };

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues?: Issue[],
    /** more fields of the JSON body (e.g. retryAfterS) */
    readonly extra?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.flatMap((i) => {
    const at = i.path.map(String);
    // an unknown field is named by itself, so the caller sees which one
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: [...at, k].join('.'), message: 'unknown field' }));
    return [{ path: at.join('.') || '(body)', message: i.message }];
  });
}

/** 400 naming each bad field: "invalid fault: nodes: Invalid input: expected array, received string" */
export function badRequest(what: string, error: z.ZodError): HttpError {
  const issues = issuesOf(error);
  return new HttpError(400, `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}

export const unknownCluster = (id: string) => new HttpError(404, `unknown cluster '${id}'`);

/**
 * The simulator rejects impossible faults (unknown node, ...) with SimFaultError and changes nothing.
 * Matched by name so that it does not matter which copy of the class threw.
 */
function isSimFaultError(err: unknown): err is Error {
  return err instanceof Error && err.name === 'SimFaultError';
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
  limit?: number;
}

/** a request that failed for want of the database: try again this much later (a restart takes seconds) */
const UNREACHABLE_RETRY_S = 5;

/** what the store refuses (validation, taken names, missing rows) is the caller's mistake, not ours */
const storeStatus: Record<string, number> = { invalid: 400, conflict: 409, 'not-found': 404 };
function storeError(err: unknown): { status: number; message: string } | null {
  if (!(err instanceof Error) || err.name !== 'StoreError') return null;
  const status = storeStatus[(err as Error & { code?: string }).code ?? ''];
  return status ? { status, message: err.message } : null;
}

function toApiError(err: unknown): { status: number; body: ApiError; headers?: Record<string, string> } {
  if (err instanceof HttpError)
    return {
      status: err.status,
      body: { error: err.message, ...(err.issues ? { issues: err.issues } : {}), ...err.extra },
      ...(err.headers ? { headers: err.headers } : {}),
    };
  if (isUnreachable(err))
    return {
      status: 503,
      // retryAfterS as the other 503s and 429s say it (beside the header)
      body: { error: `the database cannot be reached: try again in ${UNREACHABLE_RETRY_S} s`, ...{ retryAfterS: UNREACHABLE_RETRY_S } },
      headers: { 'Retry-After': String(UNREACHABLE_RETRY_S) },
    };
  const se = storeError(err);
  if (se) return { status: se.status, body: { error: se.message } };
  if (isSimFaultError(err)) return { status: 400, body: { error: err.message } };
  const e = err as BodyParserError;
  if (e?.type === 'entity.too.large') return { status: 413, body: { error: `request body too large (limit ${e.limit ?? '?'} bytes)` } };
  if (e?.type === 'entity.parse.failed') return { status: 400, body: { error: 'request body is not valid JSON' } };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) return { status: e.status, body: { error: e.message } };
  return { status: 500, body: { error: 'internal error' } };
}

/** store: told of every error, so that a SQLite corruption error turns /healthz to down */
export function errorHandler(logger: Logger, store?: Pick<Store, 'noteError'>): ErrorRequestHandler {
  return (err, req, res, next) => {
    // a corruption error is a 500 like any other (logged below); it also turns /healthz to down
    store?.noteError(err);
    if (res.headersSent) return next(err);
    const { status, body, headers } = toApiError(err);
    if (status >= 500) logger.error({ err, method: req.method, url: req.path }, 'request failed');
    if (headers) res.set(headers);
    res.status(status).json(body);
  };
}

export const apiNotFound: RequestHandler = (req) => {
  throw new HttpError(404, `no such API route: ${req.method} ${req.originalUrl.split('?')[0]}`);
};
