// One HTTP POST for the HTTP senders: a hard timeout over the whole exchange (connect, request, reply body),
// redirects never followed (a 3xx is a failure: the URL is the channel's, and following one would carry its body
// and headers — with a token — somewhere else), the reply body read up to MAX_REPLY_BYTES and the rest dropped,
// and every failure turned into a SendResult whose detail names the origin only (scheme + host), never the path.
import type { SendResult } from '@quorate/model';
import { oneLine, originOf, scrub } from './text';
import { delivered, failed, type SendOptions } from './types';

/** the most of a reply body read (enough for any provider's error JSON) */
export const MAX_REPLY_BYTES = 4096;

export interface HttpReply {
  status: number;
  headers: Headers;
  /** the first MAX_REPLY_BYTES of the body, as text */
  body: string;
}

export type HttpOutcome = { reply: HttpReply } | { error: string };

export interface PostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** POST; resolves with the reply or with what went wrong (never rejects) */
export async function post(req: PostRequest, opts: SendOptions): Promise<HttpOutcome> {
  const origin = originOf(req.url);
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort();
  }, opts.timeoutMs);
  const onCancel = (): void => ctl.abort();
  if (opts.signal?.aborted) ctl.abort();
  opts.signal?.addEventListener('abort', onCancel, { once: true });
  const why = (e: unknown): string => {
    if (timedOut) return `no answer from ${origin} within ${seconds(opts.timeoutMs)}`;
    if (opts.signal?.aborted) return `cancelled before ${origin} answered`;
    return `${origin}: ${networkError(e)}`;
  };
  try {
    let target = req.url;
    const headers = { ...req.headers };
    // fetch refuses a URL with user:password@: send them as Basic auth instead (a protected ntfy topic, a proxy)
    const u = new URL(req.url);
    if (u.username || u.password) {
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
        headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
      }
      u.username = '';
      u.password = '';
      target = u.href;
    }
    const res = await (opts.fetch ?? fetch)(target, { method: 'POST', headers, body: req.body, redirect: 'manual', signal: ctl.signal });
    let body = '';
    try {
      body = await readBounded(res, MAX_REPLY_BYTES);
    } catch (e) {
      // the status arrived, the body did not (in time): judge by the status
      if (!timedOut && !opts.signal?.aborted) body = `(reply body unreadable: ${networkError(e)})`;
    }
    return { reply: { status: res.status, headers: res.headers, body } };
  } catch (e) {
    return { error: why(e) };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCancel);
  }
}

/** at most max bytes of the body as text; the rest is cancelled, not read */
async function readBounded(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max));
}

/**
 * the common verdict on an HTTP outcome: no reply, a redirect (not followed) or a non-2xx status fail with what
 * the provider said; a 2xx goes to `judge` (a provider that answers 200 with an error inside, like Telegram)
 */
export function verdict(url: string, outcome: HttpOutcome, secrets: readonly string[], judge?: (reply: HttpReply) => SendResult | null): SendResult {
  if ('error' in outcome) return failed(scrub(outcome.error, secrets));
  const { reply } = outcome;
  const origin = originOf(url);
  if (reply.status >= 300 && reply.status < 400) {
    const to = reply.headers.get('location');
    let where = '';
    try {
      if (to) where = ` to ${originOf(new URL(to, url).href)}`;
    } catch {
      where = ' to an invalid location';
    }
    return failed(scrub(`HTTP ${reply.status} from ${origin}: a redirect${where}, not followed (check the URL)`, secrets), reply.status);
  }
  if (reply.status < 200 || reply.status >= 300) {
    const said = providerSaid(reply.body);
    return failed(scrub(`HTTP ${reply.status} from ${origin}${said ? `: ${said}` : ''}`, secrets), reply.status);
  }
  const judged = judge?.(reply);
  if (judged) return { ...judged, detail: scrub(judged.detail, secrets) };
  return delivered(`delivered: HTTP ${reply.status} from ${origin}`, reply.status);
}

/** the error a provider put in its reply: a JSON error field if there is one, else the text's first line */
export function providerSaid(body: string): string {
  const t = body.trim();
  if (!t) return '';
  try {
    const j = JSON.parse(t) as unknown;
    if (j && typeof j === 'object') {
      const o = j as Record<string, unknown>;
      for (const k of ['description', 'error', 'message', 'text', 'error_description']) {
        const v = o[k];
        if (typeof v === 'string' && v) return oneLine(v);
        if (v && typeof v === 'object' && typeof (v as Record<string, unknown>).message === 'string') return oneLine((v as { message: string }).message);
      }
    }
  } catch {
    /* not JSON */
  }
  // an HTML error page says little: its title, or nothing
  const title = /<title>([^<]*)<\/title>/i.exec(t);
  if (title?.[1]) return oneLine(title[1]);
  if (/^<!doctype|^<html/i.test(t)) return '';
  return oneLine(t);
}

/** the cause of a fetch failure in words: the system code, not a stack */
export function networkError(e: unknown): string {
  const cause = (e as { cause?: unknown })?.cause ?? e;
  const code = (cause as { code?: unknown })?.code;
  if (typeof code === 'string') {
    const known: Record<string, string> = {
      ECONNREFUSED: 'connection refused',
      ECONNRESET: 'connection reset',
      ENOTFOUND: 'host name not found',
      EAI_AGAIN: 'host name lookup failed (temporary)',
      EHOSTUNREACH: 'host unreachable',
      ENETUNREACH: 'network unreachable',
      ETIMEDOUT: 'connection timed out',
      UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
      UND_ERR_SOCKET: 'connection closed by the server',
      UND_ERR_HEADERS_TIMEOUT: 'no reply headers in time',
      UND_ERR_BODY_TIMEOUT: 'reply body stalled',
      DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: a self-signed certificate (not trusted)',
      SELF_SIGNED_CERT_IN_CHAIN: 'TLS: a self-signed certificate in the chain (not trusted)',
      UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: the certificate cannot be verified',
      UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS: the certificate issuer is not trusted',
      CERT_HAS_EXPIRED: 'TLS: the certificate has expired',
      ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: the certificate is for another host name',
    };
    return known[code] ?? `${code}${cause instanceof Error && cause.message && !cause.message.includes(code) ? ` (${oneLine(cause.message, 120)})` : ''}`;
  }
  if (cause instanceof Error) return oneLine(cause.message, 160);
  return 'request failed';
}

export const seconds = (ms: number): string => `${ms % 1000 === 0 ? ms / 1000 : (ms / 1000).toFixed(1)} s`;

/** JSON request headers every HTTP sender sends */
export const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Quorate-Alerts/1', accept: 'application/json' } as const;
