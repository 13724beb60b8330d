// The one way the page talks REST to the BFF (same origin, session cookie): JSON in and out, the CSRF
// header on every non-GET call, and one place that reacts to 401 (the session is gone: back to login).
import type { ApiError } from '@quorate/model';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError | null,
    /** the whole parsed body, for extra fields such as retryAfterS */
    readonly raw: unknown = null,
  ) {
    super(body?.error ?? `HTTP ${status}`);
  }
}

/** no answer at all: the server is down, restarting, or the network between is */
export class UnreachableError extends Error {
  constructor(cause: unknown) {
    super('the server cannot be reached', { cause });
    this.name = 'UnreachableError';
  }
}

/** an error in words for the page: never the browser's raw "Failed to fetch" */
export function errorText(err: unknown): string {
  if (err instanceof TypeError && /fetch|network|load failed/i.test(err.message)) return 'the server cannot be reached';
  return err instanceof Error ? err.message : String(err);
}

// The CSRF token lives in memory only (never localStorage): a reload asks /auth/state for it again.
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

let onUnauthorized: (() => void) | null = null;
/** called on a 401 from any call except the sign-in ones (a wrong password is not a lost session) */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}
export function reportUnauthorized(): void {
  onUnauthorized?.();
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** a 401 here is an answer (wrong password), not a lost session */
  signIn?: boolean;
}

export async function request<T>(url: string, { method = 'GET', body, signIn = false }: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (err) {
    // the browser's own words ("Failed to fetch", "NetworkError when attempting…", "Load failed") say nothing
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new UnreachableError(err);
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* a proxy's HTML error page: keep the status */
  }
  if (!res.ok) {
    if (res.status === 401 && !signIn) reportUnauthorized();
    const err = parsed && typeof parsed === 'object' && 'error' in parsed ? (parsed as ApiError) : null;
    throw new HttpError(res.status, err, parsed);
  }
  return parsed as T;
}

/** query retry policy: keep trying while the server is away, never on a clear answer (4xx) */
export function retryUnlessClientError(max: number) {
  return (failures: number, err: Error) => !(err instanceof HttpError && err.status >= 400 && err.status < 500) && failures < max;
}

/** "?a=1&b=x" from the defined, non-empty values */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
