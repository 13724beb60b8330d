// PostgreSQL goes away and comes back under two running replicas (pg_ctl stop -m fast: every connection drops
// at once, as in a reboot or an upgrade of the database host). Nothing may crash; while it is away requests get
// 503 and /healthz says down; once it is back one replica runs the cluster again, both replicas' browsers see
// it move again, the stored event seq stays gap-free, and each browser has every event from its first, once.
import { afterAll, describe, expect, it } from 'vitest';
import { usePgServer } from '@quorate/store/sql-testing';
import { sleep } from '../../../../bench/bff-child';
import { alive, expectEveryEventOnce, faultLoop, replicaFleet, until, Watcher, type Cleanup } from '../testing/replica-fleet';

const TOKEN = 'db-outage-test-token-0123456789abcdef';
const TTL_MS = 3_000;
/** how long the database is away: longer than the lease ttl, so the holder must stop collecting */
const DOWN_MS = 4_000;

describe('two replicas while PostgreSQL restarts', () => {
  const pgServer = usePgServer();
  const cleanup: Cleanup = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await Promise.resolve(f()).catch(() => {});
  });

  it('both replicas live through it; one runs the cluster again; the seq stays gap-free; each browser sees every event once', async () => {
    const fleet = replicaFleet({ pgUrl: () => pgServer.url(), token: TOKEN, ttlMs: TTL_MS, cleanup, prefix: 'db-outage' });
    const a = await fleet.replica('outage-a');
    await until('A holding the lease of c1', async () => (await fleet.holder())?.holder.startsWith(`${a.url}#`) === true);
    const b = await fleet.replica('outage-b');
    const onA = new Watcher(a.url, TOKEN);
    const onB = new Watcher(b.url, TOKEN);
    cleanup.push(() => void onA.socket.close(), () => void onB.socket.close());
    await until('both browsers subscribed', () => onA.rev !== undefined && onB.rev !== undefined);

    // the sim emits: faults through B (forwarded to the holder); refused while the database is away
    const faults = faultLoop(b.url, TOKEN, cleanup);
    await until('events before the outage', () => onA.seqs.length >= 4 && onB.seqs.length >= 4);

    const before = { a: onA.seqs.length, b: onB.seqs.length };
    const restarting = pgServer.restart(DOWN_MS);
    // while it is away (pg_ctl stop -m fast takes well under a second): a probe and a request say so
    await sleep(1_500);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const healthWhileDown = await fetch(`${b.url}/healthz`, { headers: auth });
    const eventsWhileDown = await fetch(`${b.url}/api/v1/events?cluster=c1`, { headers: auth });
    await restarting;
    const atBack = { a: onA.seqs.length, b: onB.seqs.length };
    expect(healthWhileDown.status).toBe(503);
    expect(await healthWhileDown.json()).toMatchObject({ status: 'down' });
    expect(eventsWhileDown.status).toBe(503);
    expect(eventsWhileDown.headers.get('retry-after')).toBe('5');
    expect(await eventsWhileDown.json()).toMatchObject({ error: 'the database cannot be reached: try again in 5 s' });
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
    console.log(`database outage: ${DOWN_MS} ms away; the cluster moved again on both replicas ${recoveredMs} ms after it came back; ${stored.length} events; ${faults.refused()} faults refused`);
  }, 150_000);
});
