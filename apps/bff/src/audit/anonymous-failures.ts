// Failures of callers we do not know (wrong passwords, throttled sign-ins, requests without a valid
// session or token) go to the audit trail as one record per client address and window, not one per
// request: nobody can flood the audit table, and the admin still sees "40 failed sign-ins from X".
import { plural } from '@quorate/model';
import type { Store } from '@quorate/store';

export type AnonymousFailure = 'sign-in-failed' | 'throttled' | 'unauthenticated';

interface Tally {
  counts: Record<AnonymousFailure, number>;
  /** usernames tried (a few, for the record) */
  usernames: Set<string>;
  first: number;
}

export interface AggregateOptions {
  windowMs: number;
  /** addresses tallied apart per window; the rest share one record */
  maxAddresses: number;
}

const OTHERS = 'other addresses';
const MAX_USERNAMES = 5;

export class AnonymousFailures {
  private tallies = new Map<string, Tally>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly store: Store,
    private readonly onError: (err: unknown) => void,
    private readonly opts: AggregateOptions = { windowMs: 60_000, maxAddresses: 100 },
    private readonly now: () => number = Date.now,
  ) {}

  record(ip: string, kind: AnonymousFailure, username?: string): void {
    let key = ip;
    if (!this.tallies.has(key) && this.tallies.size >= this.opts.maxAddresses) key = OTHERS;
    let t = this.tallies.get(key);
    if (!t) {
      t = { counts: { 'sign-in-failed': 0, throttled: 0, unauthenticated: 0 }, usernames: new Set(), first: this.now() };
      this.tallies.set(key, t);
    }
    t.counts[kind]++;
    if (username !== undefined && t.usernames.size < MAX_USERNAMES) t.usernames.add(username.slice(0, 64));
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.opts.windowMs);
      this.timer.unref();
    }
  }

  /** write one record per address for the window so far (also at shutdown); failures go to onError */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const tallies = this.tallies;
    this.tallies = new Map();
    const seconds = Math.round(this.opts.windowMs / 1000);
    for (const [ip, t] of tallies) {
      const parts = [
        t.counts['sign-in-failed'] ? plural(t.counts['sign-in-failed'], 'failed sign-in') : null,
        t.counts.throttled ? `${t.counts.throttled} refused as too many` : null,
        t.counts.unauthenticated ? `${plural(t.counts.unauthenticated, 'request')} without a valid session or token` : null,
      ].filter(Boolean);
      const names = [...t.usernames];
      try {
        await this.store.audit.record({
          at: t.first,
          actor: { kind: 'anonymous', id: ip, name: ip },
          role: null,
          operation: 'anonymous-failures',
          clusterId: null,
          params: { ...t.counts, usernames: names, windowS: seconds },
          confirmed: false,
          result: 'refused',
          message: `${parts.join(', ')} from ${ip} within ${seconds} s${names.length ? ` (usernames tried: ${names.join(', ')})` : ''}`,
        });
      } catch (err) {
        this.onError(err);
      }
    }
  }
}
