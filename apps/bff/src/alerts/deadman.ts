// The dead-man's switch: a ping to the admin's check URL every intervalS (first one at once), so a service
// outside tells the admin when Quorate is down. The URL is kept in the secret store (it holds the check's
// key); the interval in kv. A failed ping is logged (warn) and shown on the page; it is retried at the next
// interval — a healthchecks-style service has its own grace time.
import { DeadmanInput, type DeadmanView, type SendResult } from '@quorate/model';
import type { Store } from '@quorate/store';
import type { Logger } from '../logger';

const URL_SECRET = 'alerts/deadman/url';
const KV_KEY = 'alerts.deadman';
export const DEADMAN_TIMEOUT_MS = 10_000;

export type PingFn = (url: string, opts: { timeoutMs: number }) => Promise<SendResult>;

const origin = (url: string) => {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
};

export class DeadmanSwitch {
  private timer: ReturnType<typeof setInterval> | null = null;
  private last: DeadmanView['last'] = null;
  private running: Promise<void> | null = null;
  private readonly log: Logger;

  constructor(
    private readonly store: Store,
    private readonly ping: PingFn,
    logger: Logger,
    /** seconds → ms (tests shorten it) */
    private readonly msOf: (s: number) => number = (s) => s * 1000,
  ) {
    this.log = logger.child({ component: 'deadman' });
  }

  private settings(): DeadmanInput | null {
    const url = this.store.secrets.get(URL_SECRET);
    const kv = this.store.kv.get(KV_KEY, DeadmanInput.pick({ intervalS: true }));
    if (url === null || !kv) return null;
    const r = DeadmanInput.safeParse({ url, intervalS: kv.intervalS });
    return r.success ? r.data : null;
  }

  start(): void {
    this.schedule();
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.running ?? Promise.resolve();
  }

  /** set (pings at once) or clear (null) */
  configure(input: DeadmanInput | null): void {
    if (input === null) {
      this.store.secrets.delete(URL_SECRET);
      this.store.kv.delete(KV_KEY);
      this.last = null;
    } else {
      this.store.secrets.put(URL_SECRET, input.url);
      this.store.kv.set(KV_KEY, { intervalS: input.intervalS });
    }
    this.schedule();
  }

  /** the URL as stored (never answered: the route uses it to keep it when only the interval changes) */
  storedUrl(): string | null {
    return this.settings()?.url ?? null;
  }

  view(): DeadmanView {
    const s = this.settings();
    return { configured: s !== null, hint: s ? origin(s.url) : null, intervalS: s?.intervalS ?? null, last: this.last };
  }

  /** the ping in flight, if any (tests wait for it) */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const s = this.settings();
    if (!s) return;
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.msOf(s.intervalS));
    this.timer.unref?.();
  }

  private beat(): Promise<void> {
    if (this.running) return this.running;
    const s = this.settings();
    if (!s) return Promise.resolve();
    this.running = this.ping(s.url, { timeoutMs: DEADMAN_TIMEOUT_MS })
      .then((r) => {
        if (!r.ok && this.last?.ok !== false) this.log.warn({ detail: r.detail }, "dead-man's switch: the ping failed");
        this.last = { at: Date.now(), ok: r.ok, status: r.status, detail: r.detail };
      })
      .finally(() => (this.running = null));
    return this.running;
  }
}
