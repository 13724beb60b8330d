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
  private stopped = false;
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

  private async settings(): Promise<DeadmanInput | null> {
    const [url, kv] = await Promise.all([this.store.secrets.get(URL_SECRET), this.store.kv.get(KV_KEY, DeadmanInput.pick({ intervalS: true }))]);
    if (url === null || !kv) return null;
    const r = DeadmanInput.safeParse({ url, intervalS: kv.intervalS });
    return r.success ? r.data : null;
  }

  async start(): Promise<void> {
    await this.schedule();
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.running ?? Promise.resolve();
  }

  /** set (pings at once) or clear (null) */
  async configure(input: DeadmanInput | null): Promise<void> {
    if (input === null) {
      await this.store.transaction(async (tx) => {
        await tx.secrets.delete(URL_SECRET);
        await tx.kv.delete(KV_KEY);
      });
      this.last = null;
    } else {
      await this.store.transaction(async (tx) => {
        await tx.secrets.put(URL_SECRET, input.url);
        await tx.kv.set(KV_KEY, { intervalS: input.intervalS });
      });
    }
    await this.schedule();
  }

  /** the URL as stored (never answered: the route uses it to keep it when only the interval changes) */
  async storedUrl(): Promise<string | null> {
    return (await this.settings())?.url ?? null;
  }

  async view(): Promise<DeadmanView> {
    const s = await this.settings();
    return { configured: s !== null, hint: s ? origin(s.url) : null, intervalS: s?.intervalS ?? null, last: this.last };
  }

  /** the ping in flight, if any (tests wait for it) */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async schedule(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const s = await this.settings();
    if (!s) return;
    // stopped meanwhile, or a configure meanwhile has scheduled its own
    if (this.stopped) return;
    if (this.timer) clearInterval(this.timer);
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.msOf(s.intervalS));
    this.timer.unref?.();
  }

  private beat(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.settings()
      .then(async (s) => {
        if (!s) return;
        const r = await this.ping(s.url, { timeoutMs: DEADMAN_TIMEOUT_MS });
        if (!r.ok && this.last?.ok !== false) this.log.warn({ detail: r.detail }, "dead-man's switch: the ping failed");
        this.last = { at: Date.now(), ok: r.ok, status: r.status, detail: r.detail };
      })
      .catch((err: unknown) => this.log.error({ err }, "dead-man's switch: could not read its settings"))
      .finally(() => (this.running = null));
    return this.running;
  }
}
