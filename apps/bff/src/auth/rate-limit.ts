// Login throttling: failed attempts are counted per client address and per username in a sliding
// window; once either is over its allowance every attempt is refused until the oldest failure ages out.
// Only failures count, so people (and test suites) who sign in often are never slowed down.

export interface LimitOptions {
  /** failures allowed per window */
  max: number;
  windowMs: number;
}

export interface LoginLimits {
  perIp: LimitOptions;
  perUser: LimitOptions;
}

export const defaultLoginLimits: LoginLimits = {
  perIp: { max: 20, windowMs: 10 * 60_000 },
  perUser: { max: 5, windowMs: 5 * 60_000 },
};

/** at most this many keys are tracked; the stalest go first (random usernames must not grow memory) */
const MAX_KEYS = 10_000;

class Window {
  private failures = new Map<string, number[]>();

  constructor(
    private readonly opts: LimitOptions,
    private readonly now: () => number,
  ) {}

  /** ms until key may try again; 0 = now */
  waitMs(key: string): number {
    const list = this.recent(key);
    if (list.length < this.opts.max) return 0;
    return list[list.length - this.opts.max]! + this.opts.windowMs - this.now();
  }

  fail(key: string): void {
    const list = this.recent(key);
    list.push(this.now());
    // re-insert so Map order is least-recently-failed first
    this.failures.delete(key);
    this.failures.set(key, list.slice(-this.opts.max));
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.opts.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(key);
    return list;
  }
}

export class LoginLimiter {
  private readonly ip: Window;
  private readonly user: Window;

  constructor(limits: LoginLimits = defaultLoginLimits, now: () => number = Date.now) {
    this.ip = new Window(limits.perIp, now);
    this.user = new Window(limits.perUser, now);
  }

  /** seconds to wait before the next attempt (0 = go ahead) */
  retryAfterS(ip: string, username: string): number {
    const ms = Math.max(this.ip.waitMs(ip), this.user.waitMs(username.toLowerCase()));
    return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 0;
  }

  failed(ip: string, username: string): void {
    this.ip.fail(ip);
    this.user.fail(username.toLowerCase());
  }

  succeeded(username: string): void {
    this.user.reset(username.toLowerCase());
  }
}
