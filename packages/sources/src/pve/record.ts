// Recording a live cluster for a bug report: a transport that passes every call through unchanged and keeps
// what it would take to replay it (ReplayTransport's format, replayFileName's names), with secrets removed.
//  - 2xx: the body as received; any other status: the envelope {status, reason, headers, body}; a call that
//    got no reply (timeout, TLS, refused): {status: 0, error: <PveError kind>, reason: <message>, headers: {},
//    body: null}, which ReplayTransport throws again as the same PveError.
//  - Request headers are never kept (they carry the token). Response headers that can hold a credential
//    (cookies, authorization, anything named token/ticket/csrf/secret/session/key) are dropped.
//  - Every text kept (body, reason, header values) is scrubbed of the token secret (also JSON- and
//    URL-escaped), PVEAPIToken=… and ticket values, as a defence: a 2xx body then differs from the wire.
import { PveError, replayFileName, type PveReply, type PveTransport } from './transport';

export const REDACTED = 'REDACTED';

/** one path's last reply, as it goes into the replay directory */
export interface RecordedReply {
  path: string;
  file: string;
  /** 0: no reply (a transport error) */
  status: number;
  /** the reason phrase, or the error message for status 0 */
  reason: string;
  /** the file's content */
  content: string;
}

const CREDENTIAL_HEADER = /cookie|authori[sz]ation|token|ticket|csrf|secret|session|key|password/i;

/** the forms a secret can take in a reply: as is, inside a JSON string, URL-encoded */
export function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s === '') continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
    forms.add(encodeURIComponent(s));
  }
  // longest first: a form that contains another is replaced whole
  return [...forms].sort((a, b) => b.length - a.length);
}

/** credentials by shape, whatever the secret: (what stays)(the value) — token header, ticket cookie, ticket, JSON values */
const CREDENTIAL_SHAPES: RegExp[] = [
  /(PVEAPIToken=)([^\s"'`,;\\)]+)/g,
  /(PVEAuthCookie=)([^\s"'`,;\\)]+)/g,
  /("(?:ticket|CSRFPreventionToken|password)"\s*:\s*")((?:[^"\\]|\\.)*)(?=")/g,
  /()(PVE:[^:\s"\\]+:[0-9A-Fa-f]{8}::[A-Za-z0-9+/=]+)/g,
];

/** text with every secret form and credential shape replaced by REDACTED */
export function redact(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) out = out.split(f).join(REDACTED);
  for (const re of CREDENTIAL_SHAPES) out = out.replace(re, `$1${REDACTED}`);
  return out;
}

/** what in text is a secret form or a credential not yet REDACTED (the check after writing); null when clean */
export function findSecret(text: string, forms: readonly string[]): string | null {
  if (forms.some((f) => text.includes(f))) return 'the token secret';
  for (const re of CREDENTIAL_SHAPES) {
    for (const m of text.matchAll(re)) if (m[2] !== REDACTED) return `a credential: ${m[1] || m[2]!.slice(0, 4)}…`;
  }
  return null;
}

export class RecordingTransport implements PveTransport {
  /** by file name: a path read again (another poll) keeps its last reply */
  private readonly kept = new Map<string, RecordedReply>();
  private readonly forms: string[];

  /** secrets: the token secret (and any other value that must not leave the machine) */
  constructor(
    private readonly inner: PveTransport,
    secrets: readonly string[],
  ) {
    this.forms = secretForms(secrets);
  }

  get describe(): string {
    return this.inner.describe;
  }

  /** what was recorded, by file name */
  get replies(): RecordedReply[] {
    return [...this.kept.values()].sort((a, b) => a.file.localeCompare(b.file));
  }

  async get(path: string): Promise<PveReply> {
    let reply: PveReply;
    try {
      reply = await this.inner.get(path);
    } catch (err) {
      const e = err instanceof PveError ? err : new PveError('network', err instanceof Error ? err.message : String(err));
      const reason = redact(e.message, this.forms);
      const detail = Object.keys(e.detail).length > 0 ? { detail: JSON.parse(redact(JSON.stringify(e.detail), this.forms)) as unknown } : {};
      this.keep(path, 0, reason, `${JSON.stringify({ status: 0, error: e.kind, reason, ...detail, headers: {}, body: null }, null, 1)}\n`);
      throw err;
    }
    const reason = redact(reply.reason, this.forms);
    if (reply.status >= 200 && reply.status < 300) {
      this.keep(path, reply.status, reason, redact(reply.body, this.forms));
    } else {
      const headers = Object.fromEntries(Object.entries(reply.headers).filter(([k]) => !CREDENTIAL_HEADER.test(k)).map(([k, v]) => [k, redact(v, this.forms)]));
      this.keep(path, reply.status, reason, `${JSON.stringify({ status: reply.status, reason, headers, body: redact(reply.body, this.forms) }, null, 1)}\n`);
    }
    return reply;
  }

  private keep(path: string, status: number, reason: string, content: string): void {
    const file = replayFileName(path);
    this.kept.set(file, { path: path.replace(/^\/+/, ''), file, status, reason, content });
  }
}
