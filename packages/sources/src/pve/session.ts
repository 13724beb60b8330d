// root@pam on one node (or the source's nodes): a ticket taken when first needed and again after a 401, over
// HTTPS with the node's trust. A joining node's certificate changes during the join, so its pin can be
// replaced (repin) — only by the caller that decided the new certificate is the node's (join-follow.ts).
import { PveClient } from './client';
import { login, ticketAuthorizer, type Credentials, type Ticket } from './ticket';
import { HttpsTransport, noAuthorizer, normalizeFingerprint } from './transport';

/** a call to a node in the middle of a join may wait on a restarting pveproxy: this long at most, ms */
export const SESSION_TIMEOUT_MS = 10_000;

const TICKET_401 = "the root@pam ticket is no longer valid (it expired, or the node's auth key changed in a join)";

/** one URL, one pin; no back-off (a restarting node is retried by the follower's own bounds) */
const onePinned = (url: string, fingerprint: string, timeoutMs: number) =>
  new HttpsTransport({ targets: [{ url, trust: { kind: 'fingerprint', fingerprint } }], auth: noAuthorizer, timeoutMs, backoffMs: 0, maxBackoffMs: 0 });

export class RootSession {
  private ticket: Ticket | null = null;

  constructor(
    private base: HttpsTransport,
    private readonly creds: Credentials,
    /** the node in words for errors: "pve4 (https://198.18.0.14:8006)" */
    readonly where: string,
    private readonly timeoutMs = SESSION_TIMEOUT_MS,
  ) {}

  /** one node by URL, trusted by this fingerprint only */
  static pinned(url: string, fingerprint: string, creds: Credentials, where: string, timeoutMs = SESSION_TIMEOUT_MS): RootSession {
    return new RootSession(onePinned(url, fingerprint, timeoutMs), creds, where, timeoutMs);
  }

  /** the pin of a one-node session (null for a session over the source's several nodes or a CA) */
  get fingerprint(): string | null {
    const t = this.base.targets;
    return t.length === 1 && t[0]!.trust.kind === 'fingerprint' ? (normalizeFingerprint(t[0]!.trust.fingerprint) ?? t[0]!.trust.fingerprint) : null;
  }

  get url(): string {
    return this.base.currentUrl;
  }

  /** trust this certificate from now on (one-node sessions); the ticket is kept, a 401 renews it */
  repin(fingerprint: string): void {
    const t = this.base.targets;
    if (t.length !== 1) throw new Error(`${this.where}: a session over several nodes cannot be re-pinned`);
    this.base = onePinned(t[0]!.url, fingerprint, this.timeoutMs);
  }

  /** log in (again): rejects with a LoginError (password, TOTP) or a PveError (no answer) */
  async login(): Promise<void> {
    this.ticket = null;
    this.ticket = await login(this.base.withAuth(noAuthorizer), this.creds, this.where);
  }

  /** forget the ticket (after a 401): the next client() logs in again */
  dropTicket(): void {
    this.ticket = null;
  }

  /** a client that sends the ticket (logging in first when there is none) */
  async client(): Promise<PveClient> {
    if (this.ticket === null) await this.login();
    return new PveClient(this.base.withAuth(ticketAuthorizer(() => this.ticket)), TICKET_401);
  }
}
