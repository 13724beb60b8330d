// Sign-in throttling (issue 7, items 2 and 4), the OWASP scheme with rate-limiter-flexible, its state in
// our database (the SQLite file, or the PostgreSQL all replicas share) so a restart does not reset it:
//  - per client address: failed attempts per window (one address guessing many usernames);
//  - per address + username: a few free failures, then each further try opens only after a doubling
//    delay (2 s, 4 s, … 15 min) — slows guessing without locking anyone out for good;
//  - per username, for browsers without a device cookie: failures from anywhere per window; a browser
//    that signed in as that user before (device cookie) is not subject to it, only to its own limit.
// Every attempt is counted BEFORE the slow password check (reserve) and settled after it: a success
// gives the reservation back, a failure keeps it. So concurrent guesses cannot all slip through.
import { RateLimiterPostgres, RateLimiterRes, RateLimiterSQLite, type RateLimiterStoreAbstract } from 'rate-limiter-flexible';
import type { LimiterBackend } from '@quorate/store';
import type { Device } from './device-cookie';

export interface Window {
  points: number;
  durationS: number;
}

export interface SignInLimits {
  perIp: Window;
  /** failures per address + username before the delays start */
  freeFailures: number;
  /** the delay doubles from 2 s up to this */
  maxDelayS: number;
  perUsername: Window;
  perDevice: Window;
}

export const defaultSignInLimits: SignInLimits = {
  perIp: { points: 50, durationS: 3600 },
  freeFailures: 3,
  maxDelayS: 900,
  perUsername: { points: 20, durationS: 900 },
  perDevice: { points: 10, durationS: 900 },
};

const TABLE = 'sign_in_limits';
/** consecutive failures of an address + username are forgotten after a day without one */
const CONSECUTIVE_S = 24 * 3600;

export type Refusal = { retryAfterS: number; reason: 'address' | 'delay' | 'username' | 'device' };

export interface Reservation {
  /** the password was right: give the reservation back and forget this pair's failures */
  succeeded(): Promise<void>;
  /** wrong password: the reservation stands */
  failed(): void;
}

type Limiter = RateLimiterStoreAbstract;
type Taken = { limiter: Limiter; key: string };
/** expired rows go this often (random usernames must not grow the table for long) */
const SWEEP_MS = 5 * 60_000;

const isRefusal = (err: unknown): err is RateLimiterRes => err instanceof RateLimiterRes;
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** the limiters' table on the store's engine (made up front) and a sweep of its expired rows */
async function backendOf(backend: LimiterBackend): Promise<{ make: (keyPrefix: string, points: number, duration: number) => Limiter; sweep: () => Promise<void> }> {
  if (backend.kind === 'sqlite') {
    const { db } = backend;
    db.prepare(`CREATE TABLE IF NOT EXISTS ${TABLE} (key TEXT PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire INTEGER)`).run();
    const sweep = db.prepare(`DELETE FROM ${TABLE} WHERE expire < ?`);
    return {
      make: (keyPrefix, points, duration) =>
        new RateLimiterSQLite({ storeClient: db, storeType: 'better-sqlite3', tableName: TABLE, tableCreated: true, keyPrefix, points, duration }),
      sweep: async () => {
        if (db.open) sweep.run(Date.now());
      },
    };
  }
  const { pool } = backend;
  // the library's own table shape (RateLimiterPostgres _getCreateTableStmt)
  await pool.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`);
  return {
    make: (keyPrefix, points, duration) =>
      new RateLimiterPostgres({ storeClient: pool, storeType: 'pool', tableName: TABLE, tableCreated: true, keyPrefix, points, duration }),
    sweep: async () => {
      await pool.query(`DELETE FROM ${TABLE} WHERE expire < $1`, [Date.now()]);
    },
  };
}

export class SignInGuard {
  private readonly ip: Limiter;
  private readonly consecutive: Limiter;
  private readonly gate: Limiter;
  private readonly username: Limiter;
  private readonly device: Limiter;

  private constructor(
    backend: Awaited<ReturnType<typeof backendOf>>,
    private readonly limits: SignInLimits,
    onSweepError: (err: unknown) => void,
  ) {
    const { make } = backend;
    this.ip = make('ip', limits.perIp.points, limits.perIp.durationS);
    this.consecutive = make('pair', Number.MAX_SAFE_INTEGER, CONSECUTIVE_S);
    this.gate = make('gate', 1, 1);
    this.username = make('user', limits.perUsername.points, limits.perUsername.durationS);
    this.device = make('device', limits.perDevice.points, limits.perDevice.durationS);
    const timer = setInterval(() => void backend.sweep().catch(onSweepError), SWEEP_MS);
    timer.unref();
    this.stop = () => clearInterval(timer);
  }

  /** the guard on the store's limiter backend (store.limiter): its table made, the expired rows swept now and every few minutes */
  static async open(backend: LimiterBackend, limits: SignInLimits = defaultSignInLimits, onSweepError: (err: unknown) => void = () => undefined): Promise<SignInGuard> {
    const b = await backendOf(backend);
    await b.sweep();
    return new SignInGuard(b, limits, onSweepError);
  }

  readonly stop: () => void;

  /**
   * Count this attempt; a Refusal when it must wait (nothing stays counted then), else a Reservation
   * to settle once the password was checked. device: a valid device cookie for this username.
   */
  async reserve(ip: string, usernameIn: string, device: Device | null): Promise<Reservation | Refusal> {
    const user = usernameIn.toLowerCase();
    const pair = `${ip}|${user}`;
    const taken: Taken[] = [];
    const take = async (limiter: Limiter, key: string, options?: { customDuration: number }): Promise<void> => {
      await limiter.consume(key, 1, options);
      taken.push({ limiter, key });
    };
    const giveBack = async () => {
      for (const t of taken.splice(0)) await t.limiter.reward(t.key, 1);
    };

    try {
      await take(this.ip, ip);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      return { retryAfterS: seconds(err.msBeforeNext), reason: 'address' };
    }
    try {
      const n = (await this.consecutive.consume(pair)).consumedPoints;
      taken.push({ limiter: this.consecutive, key: pair });
      // past the free failures each try holds the gate for a doubling delay; one try per opening
      const over = n - this.limits.freeFailures;
      if (over > 0) await this.gate.consume(pair, 1, { customDuration: Math.min(this.limits.maxDelayS, 2 ** over) });
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await giveBack();
      return { retryAfterS: seconds(err.msBeforeNext), reason: 'delay' };
    }
    const trusted = device !== null && device.username === user;
    try {
      if (trusted) await take(this.device, device.id);
      else await take(this.username, user);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      await giveBack();
      return { retryAfterS: seconds(err.msBeforeNext), reason: trusted ? 'device' : 'username' };
    }

    return {
      succeeded: async () => {
        await this.ip.reward(ip, 1);
        await Promise.all([this.consecutive.delete(pair), this.gate.delete(pair), trusted ? this.device.delete(device.id) : this.username.delete(user)]);
      },
      failed: () => {},
    };
  }
}

export const isRefused = (r: Reservation | Refusal): r is Refusal => 'retryAfterS' in r;

/** what the person is told on a 429 (the wait comes with it) */
export function refusalText(r: Refusal): string {
  switch (r.reason) {
    case 'address':
      return `too many failed sign-ins from this address: try again in ${r.retryAfterS} s`;
    case 'delay':
      return `too many attempts: try again in ${r.retryAfterS} s`;
    case 'username':
      return `too many failed sign-ins for this user from browsers that have not signed in before: try again in ${r.retryAfterS} s (a browser that signed in as this user before is not affected)`;
    case 'device':
      return `too many failed sign-ins from this browser: try again in ${r.retryAfterS} s`;
  }
}
