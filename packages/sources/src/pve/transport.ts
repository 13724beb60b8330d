// How the pve source talks to the API: one call at a time, returned as a raw reply (status, reason, headers,
// body). Two transports run the same code above them: HTTPS to the configured nodes (failover, a hard timeout,
// TLS trust by pinned fingerprint or CA file, back-off per URL) and a replay directory (one file per path, GET
// only). POST/DELETE (join, create, delnode) go over HTTPS only, with a form body; ticket auth is another
// Authorizer (ticket.ts).
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { isIP } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';

export interface PveReply {
  status: number;
  reason: string;
  headers: Record<string, string>;
  body: string;
}

export type PveMethod = 'GET' | 'POST' | 'DELETE';

/** a request body as application/x-www-form-urlencoded fields (PVE booleans: '1' / '0') */
export type PveForm = Record<string, string>;

export interface PveTransport {
  /** GET /api2/json/<path>; rejects with a PveError when no node answered */
  get(path: string): Promise<PveReply>;
  /** any method (HTTPS only: a replay directory has none) */
  request?(method: PveMethod, path: string, form?: PveForm): Promise<PveReply>;
  /** in words, for health: "https://10.0.0.1:8006" or "replay /dir" */
  readonly describe: string;
}

export type PveErrorKind = 'dns' | 'refused' | 'timeout' | 'tls-untrusted' | 'tls-mismatch' | 'tls' | 'network' | 'http' | 'invalid';

/** a call that failed before or instead of a usable reply; message is what health shows */
export class PveError extends Error {
  constructor(
    readonly kind: PveErrorKind,
    message: string,
    /** afterConnect: the node took the request (TLS done) and did not answer in time */
    readonly detail: { status?: number; url?: string; presented?: string; expected?: string; afterConnect?: boolean } = {},
  ) {
    super(message);
    this.name = 'PveError';
  }
}

// ---- fingerprints -------------------------------------------------------------------------------------

/** "ab:cd…", "ABCD…" → "AB:CD:…" (colon hex, upper case, as the Proxmox GUI shows it); null when not 32 bytes */
export function normalizeFingerprint(fp: string): string | null {
  const hex = fp.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/** SHA-256 of a DER certificate, colon hex */
export function fingerprintOf(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

/** what a node presents: shown on first contact for the admin to accept */
export interface PresentedCertificate {
  fingerprint: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  subjectAltName: string | null;
}

export type Trust =
  /** accept only this certificate (per URL) */
  | { kind: 'fingerprint'; fingerprint: string }
  /** verify the chain against this CA (pve-root-ca.pem) */
  | { kind: 'ca'; ca: string }
  /** nothing pinned yet: connect, show the certificate, send nothing */
  | { kind: 'none' };

// ---- HTTPS -----------------------------------------------------------------------------------------------

export interface Authorizer {
  /** headers for one request (the token, or a ticket cookie plus CSRF on non-GET) */
  headers(method?: PveMethod): Record<string, string>;
}

/** no credentials: POST /access/ticket is the one call that needs none */
export const noAuthorizer: Authorizer = { headers: () => ({}) };

/** `Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET` */
export function tokenAuthorizer(tokenId: string, secret: () => string): Authorizer {
  return { headers: () => ({ Authorization: `PVEAPIToken=${tokenId}=${secret()}` }) };
}

export interface HttpsTarget {
  /** https://host:8006 (a path after it is ignored) */
  url: string;
  trust: Trust;
}

export interface HttpsTransportOptions {
  targets: HttpsTarget[];
  auth: Authorizer;
  /** hard timeout for one call on one URL (connect, handshake, reply), ms */
  timeoutMs?: number;
  /** first back-off after a URL failed, doubled per failure up to maxBackoffMs */
  backoffMs?: number;
  maxBackoffMs?: number;
  now?: () => number;
}

interface UrlState {
  failures: number;
  retryAt: number;
}

function connectError(err: NodeJS.ErrnoException, url: string, timeoutMs: number): PveError {
  if (err instanceof PveError) return err;
  const code = err.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new PveError('dns', `${url}: name not found (DNS ${code})`, { url });
  if (code === 'ECONNREFUSED') return new PveError('refused', `${url}: connection refused (is pveproxy running on port 8006?)`, { url });
  if (code === 'ETIMEDOUT' || code === 'PVE_TIMEOUT') return new PveError('timeout', `${url}: no reply within ${timeoutMs / 1000} s`, { url });
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL')) return new PveError('tls', `${url}: TLS: ${err.message}`, { url });
  return new PveError('network', `${url}: ${err.message}${code ? ` (${code})` : ''}`, { url });
}

/** open a TLS connection and check the certificate BEFORE any request byte (the token) is written */
function openTls(target: HttpsTarget, timeoutMs: number, signal: { timedOut: boolean }): Promise<tls.TLSSocket> {
  const u = new URL(target.url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || 8006);
  return new Promise((resolve, reject) => {
    const opts: tls.ConnectionOptions = { host, port, ALPNProtocols: ['http/1.1'] };
    if (!isIP(host)) opts.servername = host;
    if (target.trust.kind === 'ca') {
      opts.ca = target.trust.ca;
      opts.rejectUnauthorized = true;
    } else {
      opts.rejectUnauthorized = false; // checked below against the pin
    }
    const socket = tls.connect(opts);
    const timer = setTimeout(() => {
      signal.timedOut = true;
      socket.destroy(Object.assign(new Error('timeout'), { code: 'PVE_TIMEOUT' }));
    }, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(connectError(err, target.url, timeoutMs));
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerX509Certificate();
      const presented = cert ? fingerprintOf(cert.raw) : '(none)';
      if (target.trust.kind === 'fingerprint') {
        const expected = normalizeFingerprint(target.trust.fingerprint) ?? target.trust.fingerprint;
        if (presented !== expected) {
          socket.destroy();
          reject(new PveError('tls-mismatch', `${target.url}: certificate fingerprint mismatch: expected ${expected}, presented ${presented}; refusing to send the token`, { url: target.url, presented, expected }));
          return;
        }
      } else if (target.trust.kind === 'none') {
        socket.destroy();
        reject(new PveError('tls-untrusted', `${target.url}: certificate not trusted yet: fingerprint ${presented}${cert ? ` (${cert.subject.replace(/\n/g, ', ')})` : ''}; accept it (api.fingerprint) or give the cluster's pve-root-ca.pem (api.caFile)`, { url: target.url, presented }));
        return;
      }
      resolve(socket);
    });
  });
}

/** the certificate a node presents (first contact); never sends a request */
export async function probeCertificate(url: string, timeoutMs = 5000): Promise<PresentedCertificate> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port: Number(u.port || 8006), rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) });
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('timeout'), { code: 'PVE_TIMEOUT' })), timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(connectError(err, url, timeoutMs));
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const c = socket.getPeerX509Certificate() as X509Certificate | undefined;
      socket.destroy();
      if (!c) return reject(new PveError('tls', `${url}: no certificate presented`, { url }));
      resolve({ fingerprint: fingerprintOf(c.raw), subject: c.subject, issuer: c.issuer, validFrom: c.validFrom, validTo: c.validTo, subjectAltName: c.subjectAltName ?? null });
    });
  });
}

/** the form as the body PVE parses (x-www-form-urlencoded) */
const formBody = (form: PveForm): string => new URLSearchParams(form).toString();

function oneRequest(target: HttpsTarget, method: PveMethod, path: string, headers: Record<string, string>, timeoutMs: number, form?: PveForm): Promise<PveReply> {
  const signal = { timedOut: false };
  const started = Date.now();
  return openTls(target, timeoutMs, signal).then(
    (socket) =>
      new Promise<PveReply>((resolve, reject) => {
        const base = new URL(target.url);
        const left = Math.max(1, timeoutMs - (Date.now() - started));
        const body = form !== undefined ? formBody(form) : null;
        const bodyHeaders: Record<string, string> = body !== null ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)) } : {};
        // plain HTTP/1.1 over the TLS socket checked above (no agent: it would open its own connection)
        const req = http.request(
          { method, host: base.hostname, port: base.port || 8006, path: `/api2/json/${path}`, headers: { Host: base.host, Accept: 'application/json', ...bodyHeaders, ...headers }, createConnection: () => socket },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              clearTimeout(timer);
              const h: Record<string, string> = {};
              for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
              resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers: h, body: Buffer.concat(chunks).toString('utf8') });
            });
            res.on('error', (err) => reject(connectError(err, target.url, timeoutMs)));
          },
        );
        let replyTimedOut = false;
        const timer = setTimeout(() => {
          replyTimedOut = true;
          req.destroy(Object.assign(new Error('timeout'), { code: 'PVE_TIMEOUT' }));
        }, left);
        req.on('error', (err) => {
          clearTimeout(timer);
          if (replyTimedOut) reject(new PveError('timeout', `${target.url}: connected, no reply within ${timeoutMs / 1000} s`, { url: target.url, afterConnect: true }));
          else reject(connectError(err, target.url, timeoutMs));
        });
        req.end(body ?? undefined);
      }),
  );
}

/** a connection-level failure: another node may answer (an HTTP status is the cluster's answer: no failover) */
const failsOver = (e: PveError) => e.kind !== 'http' && e.kind !== 'invalid';

/**
 * A POST/DELETE fails over only when no request byte can have reached a node (no DNS, refused, TLS refused, or
 * a timeout before TLS was done): after that a second node could run the same change twice.
 */
const sendFailsOver = (e: PveError) => ['dns', 'refused', 'tls-untrusted', 'tls-mismatch', 'tls'].includes(e.kind) || (e.kind === 'timeout' && e.detail.afterConnect !== true);

/** nodes/{node}/…: pveproxy forwards it to that node */
const PROXIED = /^nodes\/([^/?]+)\//;

/**
 * A proxied call the answering node took but did not answer in time: most likely the target node is slow or
 * gone (as 595 says when the proxy gives up first) — the URL is not at fault, so no back-off and no failover
 * (every other URL would wait on the same node). The cluster-wide calls still judge the URL itself.
 */
function targetNodeSlow(path: string, e: PveError): PveError | null {
  const node = PROXIED.exec(path)?.[1];
  if (node === undefined || e.kind !== 'timeout' || e.detail.afterConnect !== true) return null;
  return new PveError('timeout', `node ${decodeURIComponent(node)} did not answer through ${e.detail.url ?? 'the API'} in time (${e.message})`, e.detail);
}

export class HttpsTransport implements PveTransport {
  private readonly state = new Map<string, UrlState>();
  private preferred = 0;
  private readonly timeoutMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: HttpsTransportOptions) {
    if (opts.targets.length === 0) throw new Error('pve: no API URL');
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.backoffMs = opts.backoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  get describe(): string {
    return this.opts.targets.map((t) => t.url).join(', ');
  }

  /** the URL that answered last (tried first next time) */
  get currentUrl(): string {
    return this.opts.targets[this.preferred]!.url;
  }

  /** the configured targets (a ticket session reuses their trust) */
  get targets(): readonly HttpsTarget[] {
    return this.opts.targets;
  }

  /** the same nodes, trust and timeout with other credentials (a root@pam ticket beside the token) */
  withAuth(auth: Authorizer): HttpsTransport {
    return new HttpsTransport({ ...this.opts, auth });
  }

  get(path: string): Promise<PveReply> {
    return this.request('GET', path);
  }

  async request(method: PveMethod, path: string, form?: PveForm): Promise<PveReply> {
    const n = this.opts.targets.length;
    const order = Array.from({ length: n }, (_, i) => (this.preferred + i) % n);
    // URLs in back-off go last (still tried: an all-down cluster must not wait for its timers)
    const now = this.now();
    const ready = order.filter((i) => (this.state.get(this.opts.targets[i]!.url)?.retryAt ?? 0) <= now);
    const waiting = order.filter((i) => !ready.includes(i));
    const errors: PveError[] = [];
    for (const i of [...ready, ...waiting]) {
      const t = this.opts.targets[i]!;
      try {
        const reply = await oneRequest(t, method, path, this.opts.auth.headers(method), this.timeoutMs, form);
        this.state.delete(t.url);
        this.preferred = i;
        return reply;
      } catch (err) {
        const e = err instanceof PveError ? err : connectError(err as NodeJS.ErrnoException, t.url, this.timeoutMs);
        const slow = targetNodeSlow(path, e);
        if (slow !== null) throw slow;
        const s = this.state.get(t.url) ?? { failures: 0, retryAt: 0 };
        s.failures += 1;
        s.retryAt = this.now() + Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (s.failures - 1));
        this.state.set(t.url, s);
        errors.push(e);
        if (!(method === 'GET' ? failsOver(e) : sendFailsOver(e))) throw e;
      }
    }
    if (errors.length === 1) throw errors[0]!;
    // every node failed: the first error's kind leads (a mismatch must stay visible as one)
    const lead = errors.find((e) => e.kind === 'tls-mismatch' || e.kind === 'tls-untrusted') ?? errors[0]!;
    throw new PveError(lead.kind, errors.map((e) => e.message).join('; '), lead.detail);
  }
}

// ---- replay --------------------------------------------------------------------------------------------

const PVE_ERROR_KINDS: readonly PveErrorKind[] = ['dns', 'refused', 'timeout', 'tls-untrusted', 'tls-mismatch', 'tls', 'network', 'http', 'invalid'];

/** every byte outside `keep` as %XX (UTF-8): a file name that decodeURIComponent turns back */
const escapeChars = (s: string, keep: RegExp) => Array.from(s, (c) => (keep.test(c) ? c : encodeURIComponent(c).replace(/[!'()*~]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`))).join('');

/** a path segment: `_` stays unless a neighbour is `_` or it is at an edge, so `__` only ever separates */
const escapeSegment = (seg: string) =>
  escapeChars(seg, /[A-Za-z0-9._-]/)
    .split('')
    .map((c, i, a) => (c === '_' && (i === 0 || i === a.length - 1 || a[i - 1] === '_' || a[i + 1] === '_') ? '%5F' : c))
    .join('');

/**
 * `cluster/status` → `cluster__status.json`, `cluster/resources?type=vm` → `cluster__resources@type=vm.json`:
 * `/` is `__`, the query follows `@`, any other unsafe byte is %XX (reversible: replayPathOf).
 */
export function replayFileName(path: string): string {
  const [p = '', query = ''] = path.replace(/^\/+/, '').split(/\?(.*)/s);
  const name = p.replace(/\/+$/, '').split('/').map(escapeSegment).join('__');
  return `${name}${query ? `@${escapeChars(query, /[A-Za-z0-9._=-]/)}` : ''}.json`;
}

/** the path a replay file name stands for (replayFileName reversed); null when it is not one */
export function replayPathOf(file: string): string | null {
  const m = /^([^@]*)(?:@([^@]*))?\.json$/.exec(file);
  if (!m) return null;
  try {
    const path = m[1]!.split('__').map(decodeURIComponent).join('/');
    return m[2] !== undefined ? `${path}?${decodeURIComponent(m[2])}` : path;
  } catch {
    return null;
  }
}

/**
 * A recorded cluster: one file per path. A 2xx reply is its body as received; any other reply an envelope
 * {status, reason, headers, body}; status 0 is a call that got no reply ({error: kind, reason: message}),
 * replayed as the same PveError; a missing file is an endpoint that answered 404. A path with a query falls
 * back to the file without it (directories recorded before queries were part of the name).
 */
export class ReplayTransport implements PveTransport {
  constructor(private readonly dir: string) {}

  get describe(): string {
    return `replay ${this.dir}`;
  }

  private read(path: string): string | null {
    const names = [replayFileName(path)];
    if (path.includes('?')) names.push(replayFileName(path.split('?')[0]!));
    for (const name of names) {
      try {
        return readFileSync(join(this.dir, name), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new PveError('network', `replay ${this.dir}: ${(err as Error).message}`);
      }
    }
    return null;
  }

  async get(path: string): Promise<PveReply> {
    const text = this.read(path);
    if (text === null) return { status: 404, reason: 'Not Found', headers: {}, body: '' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { status: 200, reason: 'OK', headers: {}, body: text };
    }
    if (isEnvelope(parsed)) {
      if (parsed.status === 0) {
        const kind = PVE_ERROR_KINDS.find((k) => k === parsed.error) ?? 'network';
        throw new PveError(kind, parsed.reason ?? 'no reply', parsed.detail ?? {});
      }
      const body = parsed.body === null || parsed.body === undefined ? '' : typeof parsed.body === 'string' ? parsed.body : JSON.stringify(parsed.body);
      return { status: parsed.status, reason: parsed.reason ?? '', headers: parsed.headers ?? {}, body };
    }
    return { status: 200, reason: 'OK', headers: {}, body: text };
  }
}

function isEnvelope(v: unknown): v is { status: number; reason?: string; headers?: Record<string, string> | null; body?: unknown; error?: unknown; detail?: PveError['detail'] } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !('data' in v) && typeof (v as { status?: unknown }).status === 'number' && 'body' in v;
}

/** read a CA file for Trust ('ca') */
export const readCa = (path: string): string => readFileSync(path, 'utf8');
