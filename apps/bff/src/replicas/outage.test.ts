// What two running replicas live through: PostgreSQL going away and coming back (pg_ctl stop -m fast: every
// connection drops at once, as in a reboot or an upgrade of the database host), and the same of Redis when it
// carries the fan-out (QUORATE_REDIS_URL). Nothing may crash; while PostgreSQL is away requests get 503 and
// /healthz says down; once it is back one replica runs the cluster, both replicas' browsers see it move again,
// the stored event seq stays gap-free, and each browser has every event from its first, exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { usePgServer } from '@quorate/store/sql-testing';
import { freePort, sleep } from '../../../../bench/bff-child';
import { hasRedis, REDIS_SERVER, startRedis, type RedisServer } from '../testing/redis';
import { alive, expectEveryEventOnce, faultLoop, replicaFleet, until, Watcher, type Cleanup, type Replica } from '../testing/replica-fleet';

const TOKEN = 'outage-test-token-0123456789abcdef';
const TTL_MS = 3_000;
/** how long the server is away: longer than the lease ttl (for PostgreSQL: the holder must stop collecting) */
const DOWN_MS = 4_000;

interface Outage {
  what: string;
  /** QUORATE_* for the replicas */
  env?: Record<string, string>;
  /** takes the server away for DOWN_MS; `whileDown` runs once it is gone */
  restart(whileDown: () => Promise<void>): Promise<void>;
  /** what the replicas answer while it is away */
  checkWhileDown(b: Replica): Promise<void>;
}

async function liveThrough(o: Outage, pgUrl: () => string, cleanup: Cleanup): Promise<void> {
  const fleet = replicaFleet({ pgUrl, token: TOKEN, ttlMs: TTL_MS, cleanup, prefix: 'outage', ...(o.env ? { env: o.env } : {}) });
  const a = await fleet.replica('outage-a');
  await until('A holding the lease of c1', async () => (await fleet.holder())?.holder.startsWith(`${a.url}#`) === true);
  const b = await fleet.replica('outage-b');
  const onA = new Watcher(a.url, TOKEN);
  const onB = new Watcher(b.url, TOKEN);
  cleanup.push(() => void onA.socket.close(), () => void onB.socket.close());
  await until('both browsers subscribed', () => onA.rev !== undefined && onB.rev !== undefined);

  // the sim emits: faults through B (forwarded to the holder)
  const faults = faultLoop(b.url, TOKEN, cleanup);
  await until('events before the outage', () => onA.seqs.length >= 4 && onB.seqs.length >= 4);

  const before = { a: onA.seqs.length, b: onB.seqs.length };
  await o.restart(() => o.checkWhileDown(b));
  const atBack = { a: onA.seqs.length, b: onB.seqs.length };
  const backAt = Date.now();
  const seenBefore = Math.max(...onA.seqs, ...onB.seqs);
  // moving again: patches and new events on both browsers
  const patches = { a: onA.patches, b: onB.patches };
  await until('a replica running c1 again', async () => (await fleet.holder().catch(() => null)) !== null, 30_000);
  await until('both browsers seeing the cluster move and new events', () => onA.patches > patches.a + 5 && onB.patches > patches.b + 5 && Math.min(Math.max(...onA.seqs), Math.max(...onB.seqs)) >= seenBefore + 4, 40_000).catch(async (e: unknown) => {
    const held = await fleet.holder().catch(() => 'unknown');
    throw new Error(
      `${(e as Error).message}: patches on A ${onA.patches - patches.a}, on B ${onB.patches - patches.b}; newest seq before ${seenBefore}, A ${Math.max(...onA.seqs)}, B ${Math.max(...onB.seqs)}; lease ${JSON.stringify(held)}; A ${a.url}, B ${b.url}`,
    );
  });
  const recoveredMs = Date.now() - backAt;
  for (const r of [a, b]) await until(`${r.url} healthy again`, async () => (await fetch(`${r.url}/healthz`)).status === 200, 10_000);
  await faults.stop();
  expect(alive(a)).toBe(true);
  expect(alive(b)).toBe(true);

  // the stored seq gap-free, once the sim is quiet; each browser has every event from its first, once
  const stored = await fleet.quietSeqs();
  expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
  const last = stored.at(-1)!;
  await until('both browsers at the last stored seq', () => Math.max(...onA.seqs) === last && Math.max(...onB.seqs) === last, 10_000);
  expectEveryEventOnce({ A: onA, B: onB }, last, `; events before the outage ${JSON.stringify(before)}, when it was back ${JSON.stringify(atBack)}`);
  console.log(`${o.what}: ${DOWN_MS} ms away; the cluster moved again on both replicas ${recoveredMs} ms after it came back; ${stored.length} events; ${faults.refused()} faults refused`);
}

describe('two replicas while a server they need restarts', () => {
  const pgServer = usePgServer();
  const cleanup: Cleanup = [];
  // each test's replicas stopped before the next (they share the database, and its lease of c1)
  // stopping two replicas (and Redis) may take a while: more than the default 10 s of a hook, never an orphan
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await Promise.resolve(f()).catch(() => {});
  }, 60_000);

  it('PostgreSQL: both replicas live through it; one runs the cluster again; the seq stays gap-free; each browser sees every event once', async () => {
    await liveThrough(
      {
        what: 'PostgreSQL restarted',
        async restart(whileDown) {
          const restarting = pgServer.restart(DOWN_MS);
          // pg_ctl stop -m fast takes well under a second
          await sleep(1_500);
          await whileDown();
          await restarting;
        },
        async checkWhileDown(b) {
          const auth = { authorization: `Bearer ${TOKEN}` };
          const health = await fetch(`${b.url}/healthz`, { headers: auth });
          expect(health.status).toBe(503);
          expect(await health.json()).toMatchObject({ status: 'down' });
          const events = await fetch(`${b.url}/api/v1/events?cluster=c1`, { headers: auth });
          expect(events.status).toBe(503);
          expect(events.headers.get('retry-after')).toBe('5');
          expect(await events.json()).toMatchObject({ error: 'the database cannot be reached: try again in 5 s' });
        },
      },
      () => pgServer.url(),
      cleanup,
    );
  }, 150_000);

  it.skipIf(!hasRedis && process.env.CI !== 'true')('Redis carrying the fan-out: the same', async () => {
    if (!hasRedis) throw new Error(`redis-server is required in CI (${REDIS_SERVER})`);
    const port = await freePort();
    let redis: RedisServer = await startRedis(port);
    cleanup.push(() => redis.stop());
    await liveThrough(
      {
        what: 'Redis restarted',
        env: { QUORATE_REDIS_URL: redis.url },
        async restart(whileDown) {
          // no persistence: it comes back empty, its stream gone
          await redis.stop();
          await whileDown();
          await sleep(DOWN_MS);
          redis = await startRedis(port);
        },
        async checkWhileDown(b) {
          // the store is fine: requests are answered
          const events = await fetch(`${b.url}/api/v1/events?cluster=c1`, { headers: { authorization: `Bearer ${TOKEN}` } });
          expect(events.status).toBe(200);
        },
      },
      () => pgServer.url(),
      cleanup,
    );
  }, 150_000);
});
