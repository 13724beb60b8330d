import { describe, expect, it, vi } from 'vitest';
import { draft } from '../testing';
import type { SqlStore } from './contract';
import { FencedError } from './fence';
import { createLeaseKeeper, LAPSE_MARGIN_MS, nextLapse, type LeaseKeeper, type LeaseKeeperOptions } from './lease-keeper';
import { PRESENCE_PREFIX } from './lease-plan';
import type { LeaseStore } from './leases';
import { ENGINES, handClock, useSqlStores } from './testing';

const TTL = 300;
const ROUND = 100;
const T0 = 1_700_000_000_000;
const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i).padStart(2, '0')}`);

type Why = Parameters<LeaseKeeperOptions['onLose']>[1];
type Event = { holder: string; clusterId: string } & ({ kind: 'gain'; token: number } | { kind: 'lose'; why: Why });

/**
 * Keepers on one database with one clock, rounds driven by hand. `collecting` is who runs each cluster's
 * collector by the keepers' own callbacks: a gain while another keeper still collects is recorded as a
 * violation (the old holder must lose before the new one gains).
 */
function fleet(clusters: () => readonly string[], clock = handClock(T0)) {
  const events: Event[] = [];
  const errors: { holder: string; err: unknown }[] = [];
  const collecting = new Map<string, string>();
  const violations: string[] = [];
  const keepers = new Map<string, LeaseKeeper>();

  return {
    clock,
    events,
    errors,
    collecting,
    violations,
    keeper(name: string, leases: LeaseKeeperOptions['leases'], more: Partial<LeaseKeeperOptions> = {}): LeaseKeeper {
      const k = createLeaseKeeper({
        leases,
        holder: name,
        ttlMs: TTL,
        roundMs: ROUND,
        clusters,
        now: clock.now,
        onGain: (clusterId, token) => {
          events.push({ kind: 'gain', holder: name, clusterId, token });
          const other = collecting.get(clusterId);
          if (other !== undefined) violations.push(`${name} gained ${clusterId} while ${other} still collects it`);
          collecting.set(clusterId, name);
        },
        onLose: (clusterId, why) => {
          events.push({ kind: 'lose', holder: name, clusterId, why });
          if (collecting.get(clusterId) !== name) violations.push(`${name} lost ${clusterId} it did not collect`);
          collecting.delete(clusterId);
        },
        onError: (err) => errors.push({ holder: name, err }),
        ...more,
      });
      keepers.set(name, k);
      return k;
    },
    /** the clock moves one round on, then each of these keepers runs its round, in order */
    async step(...ks: LeaseKeeper[]): Promise<void> {
      clock.advance(ROUND);
      for (const k of ks) await k.round();
    },
    /** a killed process collects nothing, though its keeper (frozen) still lists what it held */
    kill(name: string): void {
      for (const [clusterId, holder] of [...collecting]) if (holder === name) collecting.delete(clusterId);
    },
    /** each keeper's clusters, by name */
    counts: (...names: string[]) => names.map((n) => keepers.get(n)!.held().size),
    /** live keepers' views against the leases table: each held lease is theirs there, live, same token */
    async check(s: SqlStore, ...names: string[]): Promise<void> {
      const rows = (await s.leases.list()).filter((l) => !l.clusterId.startsWith(PRESENCE_PREFIX));
      const byCluster = new Map(rows.map((r) => [r.clusterId, r]));
      const seen = new Map<string, string>();
      for (const name of names) {
        for (const [clusterId, token] of keepers.get(name)!.held()) {
          expect(seen.get(clusterId), `${clusterId} held by two keepers`).toBeUndefined();
          seen.set(clusterId, name);
          expect(byCluster.get(clusterId)).toMatchObject({ holder: name, token });
          expect(byCluster.get(clusterId)!.expiresAt).toBeGreaterThan(clock.at);
        }
      }
      // and the other way round: a live lease in the table belongs to a keeper that says it holds it
      for (const r of rows) if (r.expiresAt > clock.at && names.includes(r.holder)) expect(seen.get(r.clusterId)).toBe(r.holder);
      expect(violations).toEqual([]);
    },
  };
}

/** a lease store that fails or never answers on demand */
function flaky(real: LeaseStore) {
  const state = { mode: 'ok' as 'ok' | 'fail' | 'hang' };
  const wrap =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> =>
      state.mode === 'ok' ? fn(...a) : state.mode === 'fail' ? Promise.reject(new Error('database unreachable')) : new Promise<R>(() => {});
  const leases: LeaseKeeperOptions['leases'] = { acquire: wrap(real.acquire), renew: wrap(real.renew), release: wrap(real.release), list: wrap(real.list) };
  return { state, leases };
}

for (const engine of ENGINES) {
  describe(`lease keeper on ${engine}`, () => {
    const t = useSqlStores(engine);
    /** one keeper holding 10 clusters, on a lease store that fails or hangs on demand */
    async function holdingTen() {
      const f = fleet(() => ids(10));
      const [s] = await t.replicas(1, { now: f.clock.now });
      const db = flaky(s!.leases);
      const a = f.keeper('replica-a', db.leases);
      await a.round();
      expect(a.held().size).toBe(10);
      return { f, s: s!, db, a };
    }

    it('one keeper, 10 clusters: gains all with a token each, once; later rounds only renew', async () => {
      const f = fleet(() => ids(10));
      const [s] = await t.replicas(1, { now: f.clock.now });
      const a = f.keeper('replica-a', s!.leases);
      await a.round();
      expect([...a.held().keys()].sort()).toEqual(ids(10));
      for (const token of a.held().values()) expect(token).toBeGreaterThanOrEqual(1);
      expect(f.events.filter((e) => e.kind === 'gain').map((e) => e.clusterId).sort()).toEqual(ids(10));
      expect(f.events).toHaveLength(10);
      const tokens = a.held();
      for (let r = 0; r < 6; r++) {
        await f.step(a);
        await f.check(s!, 'replica-a');
      }
      expect(f.events).toHaveLength(10);
      expect(a.held()).toEqual(tokens);
      // renewed: six rounds (600 ms) past a 300 ms ttl, every lease runs ttl from the last round
      const rows = (await s!.leases.list()).filter((l) => !l.clusterId.startsWith(PRESENCE_PREFIX));
      expect(rows.map((r) => r.expiresAt)).toEqual(Array<number>(10).fill(f.clock.at + TTL));
      expect(f.errors).toEqual([]);
    });

    it('three keepers, 30 clusters: 10 each, none held twice, every view agrees with the table', async () => {
      const f = fleet(() => ids(30));
      const stores = await t.replicas(3, { now: f.clock.now });
      const names = ['replica-a', 'replica-b', 'replica-c'];
      const ks = names.map((n, i) => f.keeper(n, stores[i]!.leases));
      // started one after the other: the first takes all 30, then hands over up to MAX_HANDOVERS_PER_ROUND a round
      for (const k of ks) await k.round();
      expect(f.counts(...names)).toEqual([30, 0, 0]);
      let rounds = 0;
      while (f.counts(...names).some((n) => n !== 10) && rounds < 40) {
        await f.step(...ks);
        await f.check(stores[0]!, ...names);
        rounds++;
      }
      expect(f.counts(...names)).toEqual([10, 10, 10]);
      // 20 hand-overs, 8 a round at most (and a replica below its share takes them the round after)
      expect(rounds).toBeLessThanOrEqual(6);
      // balanced: nothing moves any more
      const before = f.events.length;
      for (let r = 0; r < 3; r++) await f.step(...ks);
      await f.check(stores[0]!, ...names);
      expect(f.events).toHaveLength(before);
      expect(f.errors).toEqual([]);
    });

    it('three keepers up before the clusters are configured split 30 clusters in one round', async () => {
      let configured: string[] = [];
      const f = fleet(() => configured);
      const stores = await t.replicas(3, { now: f.clock.now });
      const names = ['replica-a', 'replica-b', 'replica-c'];
      const ks = names.map((n, i) => f.keeper(n, stores[i]!.leases));
      await f.step(...ks); // presence only: each sees the other two
      configured = ids(30);
      await f.step(...ks);
      expect(f.counts(...names)).toEqual([10, 10, 10]);
      await f.check(stores[1]!, ...names);
    });

    it("a killed keeper's clusters move to the others after ttl, with higher tokens; its fenced writes fail", async () => {
      const f = fleet(() => ids(30));
      const stores = await t.replicas(3, { now: f.clock.now });
      const names = ['replica-a', 'replica-b', 'replica-c'];
      let configured = false;
      const ks = names.map((n, i) => f.keeper(n, stores[i]!.leases, { clusters: () => (configured ? ids(30) : []) }));
      const [a, b, c] = ks as [LeaseKeeper, LeaseKeeper, LeaseKeeper];
      await f.step(a, b, c);
      configured = true;
      await f.step(a, b, c);
      expect(f.counts(...names)).toEqual([10, 10, 10]);
      const dead = c.held();
      const [some, token] = [...dead][0]!;
      const fence = { holder: 'replica-c', token };
      await stores[2]!.events.append(some, [draft(0)], fence);

      // c stops renewing (kill -9: no release, no callback); its last round was at this moment
      const killedAt = f.clock.at;
      f.kill('replica-c');
      let rounds = 0;
      const takenBy = () => [...dead.keys()].filter((id) => a.held().has(id) || b.held().has(id));
      while (takenBy().length < dead.size && rounds < 10) {
        await f.step(a, b);
        rounds++;
        await f.check(stores[0]!, 'replica-a', 'replica-b');
        // never before its leases lapsed
        if (f.clock.at < killedAt + TTL) expect(takenBy()).toEqual([]);
      }
      expect(takenBy()).toHaveLength(dead.size);
      expect(rounds).toBeLessThanOrEqual(TTL / ROUND + 2);
      expect(f.clock.at - killedAt).toBeLessThanOrEqual(TTL + 2 * ROUND);
      expect(f.counts('replica-a', 'replica-b')).toEqual([15, 15]);
      for (const [id, old] of dead) expect(a.held().get(id) ?? b.held().get(id)).toBeGreaterThan(old);

      // the dead keeper, had it only paused, can no longer write with its old fence
      const refused = stores[2]!.events.append(some, [draft(1)], fence);
      await expect(refused).rejects.toBeInstanceOf(FencedError);
      await expect(refused).rejects.toMatchObject({ why: 'other-holder', clusterId: some });
      const heir = a.held().has(some) ? { holder: 'replica-a', token: a.held().get(some)! } : { holder: 'replica-b', token: b.held().get(some)! };
      expect((await stores[0]!.events.append(some, [draft(1)], heir)).map((e) => e.seq)).toEqual([2]);
      expect(await stores[0]!.events.lastSeq(some)).toBe(2);
    });

    it('a database that fails: reports errors and loses each lease before it could lapse, then takes them back', async () => {
      const { f, s, db, a } = await holdingTen();
      const tokens = a.held();
      const confirmedAt = f.clock.at;

      db.state.mode = 'fail';
      await f.step(a);
      // one failed round: each lease runs until confirmedAt + ttl, past the next round, so kept
      expect(a.held().size).toBe(10);
      expect(f.errors.length).toBeGreaterThanOrEqual(1);
      expect(f.errors.every((e) => (e.err as Error).message === 'database unreachable')).toBe(true);
      await f.step(a);
      // the next round would come at the moment they lapse: lost now, while still live in the table
      expect(a.held().size).toBe(0);
      expect(f.events.filter((e) => e.kind === 'lose').map((e) => (e.kind === 'lose' ? e.why : ''))).toEqual(Array<string>(10).fill('expired'));
      for (const l of await s.leases.list()) if (!l.clusterId.startsWith(PRESENCE_PREFIX)) expect(l.expiresAt).toBe(confirmedAt + TTL);
      expect(f.clock.at).toBeLessThan(confirmedAt + TTL);

      // back: the leases lapsed meanwhile, so they come back under new tokens
      db.state.mode = 'ok';
      await f.step(a);
      expect(a.held().size).toBe(10);
      for (const [id, token] of a.held()) expect(token).toBe(tokens.get(id)! + 1);
      await f.check(s, 'replica-a');
    });

    it('a database that never answers: the running round does not hold leases past their expiry', async () => {
      const { f, db, a } = await holdingTen();
      db.state.mode = 'hang';
      f.clock.advance(ROUND);
      void a.round(); // hangs
      f.clock.advance(ROUND);
      void a.round(); // the timer's next tick: the round still runs, so only the expiry check
      expect(a.held().size).toBe(0);
      expect(f.events.filter((e) => e.kind === 'lose')).toHaveLength(10);
    });

    it('stop() hands the leases back: another keeper takes them within one round, and onLose says stopped', async () => {
      const f = fleet(() => ids(20));
      const stores = await t.replicas(2, { now: f.clock.now });
      let configured = false;
      const [a, b] = ['replica-a', 'replica-b'].map((n, i) => f.keeper(n, stores[i]!.leases, { clusters: () => (configured ? ids(20) : []) })) as [LeaseKeeper, LeaseKeeper];
      await f.step(a, b);
      configured = true;
      await f.step(a, b);
      expect(f.counts('replica-a', 'replica-b')).toEqual([10, 10]);
      const had = a.held();

      await a.stop();
      const lost = f.events.filter((e) => e.kind === 'lose');
      expect(lost.map((e) => e.clusterId).sort()).toEqual([...had.keys()].sort());
      expect(lost.every((e) => e.kind === 'lose' && e.why === 'stopped' && e.holder === 'replica-a')).toBe(true);
      expect(a.held().size).toBe(0);
      // released, not left to expire: free now, presence too
      for (const l of await stores[1]!.leases.list()) if (l.holder === 'replica-a') expect(l.expiresAt).toBeLessThanOrEqual(f.clock.at);

      await f.step(b); // one round, far under ttl
      expect(b.held().size).toBe(20);
      for (const [id, old] of had) expect(b.held().get(id)).toBe(old + 1);
      await f.check(stores[1]!, 'replica-b');
      await f.step(a); // no rounds after stop()
      expect(a.held().size).toBe(0);
    });

    it('a keeper joining two: each ends with a third, every moved cluster lost by its old keeper before gained', async () => {
      const f = fleet(() => ids(30));
      const stores = await t.replicas(3, { now: f.clock.now });
      const names = ['replica-a', 'replica-b', 'replica-c'];
      let configured = false;
      const [a, b] = names.slice(0, 2).map((n, i) => f.keeper(n, stores[i]!.leases, { clusters: () => (configured ? ids(30) : []) })) as [LeaseKeeper, LeaseKeeper];
      await f.step(a, b);
      configured = true;
      await f.step(a, b);
      expect(f.counts('replica-a', 'replica-b')).toEqual([15, 15]);
      const before = { a: a.held(), b: b.held() };
      const from = f.events.length;

      const c = f.keeper('replica-c', stores[2]!.leases);
      let rounds = 0;
      do {
        await f.step(a, b, c);
        rounds++;
        await f.check(stores[2]!, ...names);
      } while (c.held().size < 10 && rounds < 20);
      expect(f.counts(...names)).toEqual([10, 10, 10]);
      expect(rounds).toBeLessThanOrEqual(6);
      // each cluster c holds was handed over: lost by its old keeper first, gained by c with a higher token
      const moved = f.events.slice(from);
      for (const [id, token] of c.held()) {
        const lose = moved.findIndex((e) => e.kind === 'lose' && e.clusterId === id);
        const gain = moved.findIndex((e) => e.kind === 'gain' && e.clusterId === id);
        expect(moved[lose]).toMatchObject({ why: 'handed over' });
        expect(lose).toBeGreaterThanOrEqual(0);
        expect(gain).toBeGreaterThan(lose);
        expect(token).toBeGreaterThan(before.a.get(id) ?? before.b.get(id)!);
      }
      expect(moved.filter((e) => e.kind === 'lose')).toHaveLength(10);
    });

    it('a cluster removed from the list: its holder loses it (removed) and releases it; nobody takes it', async () => {
      let configured = ids(10);
      const f = fleet(() => configured);
      const stores = await t.replicas(2, { now: f.clock.now });
      const [a, b] = ['replica-a', 'replica-b'].map((n, i) => f.keeper(n, stores[i]!.leases)) as [LeaseKeeper, LeaseKeeper];
      await f.step(a, b);
      for (let r = 0; r < 8 && a.held().size > 5; r++) await f.step(a, b);
      expect(f.counts('replica-a', 'replica-b')).toEqual([5, 5]);
      const gone = [...b.held().keys()][0]!;
      const from = f.events.length;

      configured = ids(10).filter((id) => id !== gone);
      await f.step(a, b);
      expect(f.events.slice(from)).toEqual([{ kind: 'lose', holder: 'replica-b', clusterId: gone, why: 'removed' }]);
      const row = (await stores[0]!.leases.list()).find((l) => l.clusterId === gone)!;
      expect(row.expiresAt).toBeLessThanOrEqual(f.clock.at);
      for (let r = 0; r < 4; r++) await f.step(a, b);
      expect(a.held().has(gone) || b.held().has(gone)).toBe(false);
      expect(a.held().size + b.held().size).toBe(9);
      await f.check(stores[0]!, 'replica-a', 'replica-b');
    });

    it('on its own timers (real clock): renews past the ttl; a killed keeper’s clusters move to the other', async () => {
      const clusters = () => ids(10);
      const f = fleet(clusters);
      const stores = await t.replicas(2);
      const real = { now: Date.now };
      const [a, b] = ['replica-a', 'replica-b'].map((n, i) => f.keeper(n, stores[i]!.leases, real)) as [LeaseKeeper, LeaseKeeper];
      try {
        await a.start();
        expect(a.held().size).toBe(10);
        const tokens = a.held();
        await new Promise((r) => setTimeout(r, TTL + 2 * ROUND));
        // its timer renewed every lease: still held under the same tokens, nothing lost
        expect(f.events.filter((e) => e.kind === 'lose')).toEqual([]);
        expect(a.held()).toEqual(tokens);

        await b.start();
        const killedAt = Date.now();
        await a.stop(false); // as kill -9 would: no release
        await vi.waitFor(() => expect(b.held().size).toBe(10), { timeout: 5000, interval: 10 });
        const ms = Date.now() - killedAt;
        // not before a's leases lapsed (its last renewal at most a round before the kill)
        expect(ms).toBeGreaterThanOrEqual(TTL - 2 * ROUND);
        expect(f.violations.filter((v) => !v.includes('replica-a'))).toEqual([]);
      } finally {
        await a.stop();
        await b.stop();
      }
      expect(b.held().size).toBe(0);
    });

    it("a dead keeper's clusters move right after its leases lapse, not up to a round later", async () => {
      const clusters = () => ids(6);
      const f = fleet(clusters);
      const stores = await t.replicas(2);
      // a long round: without a round at the lapse, b would take them up to 600 ms after it
      const timing = { now: Date.now, ttlMs: 1_000, roundMs: 600 };
      const [a, b] = ['replica-a', 'replica-b'].map((n, i) => f.keeper(n, stores[i]!.leases, timing)) as [LeaseKeeper, LeaseKeeper];
      try {
        await a.start();
        await a.stop(false); // as kill -9 would: no release
        const lapse = Math.max(...(await stores[0]!.leases.list()).filter((l) => l.holder === 'replica-a').map((l) => l.expiresAt));
        // b's regular rounds fall 300 ms after the lapse (its first one 300 ms before it)
        await new Promise((r) => setTimeout(r, Math.max(0, lapse - 300 - Date.now())));
        await b.start();
        expect(b.held().size).toBe(0);
        await vi.waitFor(() => expect(b.held().size).toBe(6), { timeout: 3000, interval: 5 });
        const late = Date.now() - lapse;
        expect(late).toBeGreaterThanOrEqual(LAPSE_MARGIN_MS - 5);
        expect(late).toBeLessThan(200);
      } finally {
        await a.stop();
        await b.stop();
      }
    });
  });
}

describe('nextLapse', () => {
  it("the soonest expiry of another holder's live lease; ours and lapsed ones do not count", () => {
    const l = (holder: string, expiresAt: number) => ({ holder, expiresAt });
    expect(nextLapse([l('me', 1_100), l('b', 1_500), l('c', 1_300), l('d', 900)], 'me', 1_000)).toBe(1_300);
    expect(nextLapse([l('me', 1_100), l('d', 1_000)], 'me', 1_000)).toBeNull();
    expect(nextLapse([], 'me', 1_000)).toBeNull();
  });
});

// the keeper takes the store's lease part as it is
const _check: (s: SqlStore) => LeaseKeeperOptions['leases'] = (s) => s.leases;
void _check;
