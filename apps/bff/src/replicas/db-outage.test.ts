// PostgreSQL goes away and comes back under two running replicas (pg_ctl stop -m fast: every connection drops
// at once, as in a reboot or an upgrade of the database host). Nothing may crash; once the database is
// back one replica runs the cluster again, both replicas' browsers see it move again, the stored event seq stays
// gap-free, and each browser has every event from its first, exactly once.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { usePgServer } from '@quorate/store/sql-testing';
import { freePort, sleep, startReplica, type BffChild } from '../../../../bench/bff-child';
import { until, Watcher } from '../testing/watcher';

const TOKEN = 'db-outage-test-token-0123456789abcdef';
const TTL_MS = 3_000;
/** how long the database is away: longer than the lease ttl, so the holder must stop collecting */
const DOWN_MS = 4_000;

describe('two replicas while PostgreSQL restarts', () => {
  const pgServer = usePgServer();
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await Promise.resolve(f()).catch(() => {});
  });

  it('both replicas live through it; one runs the cluster again; the seq stays gap-free; each browser sees every event once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorate-db-outage-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const keyFile = join(dir, 'secret.key');
    writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    const logs: string[] = [];
    onTestFailed(() => console.log(`the replicas said:\n${logs.slice(-300).join('\n')}`));
    const replica = async (name: string): Promise<{ bff: BffChild; url: string }> => {
      const r = await startReplica(
        { port: await freePort(), databaseUrl: pgServer.url(), keyFile, leaseTtlMs: TTL_MS, clusters: [{ id: 'c1', source: 'sim', nodes: 3, tickMs: 200, tokenMs: 200 }], token: TOKEN, env: { LOG_LEVEL: 'info' } },
        name,
        (rec) => {
          const r = rec as typeof rec & { component?: string; err?: { message?: string } };
          logs.push(`${name}: ${new Date().toISOString().slice(17, 23)} ${r.component ?? ''} ${r.msg ?? ''} ${r.err?.message ?? ''}`);
        },
      );
      cleanup.push(() => r.bff.stop());
      return r;
    };
    const alive = (r: { bff: BffChild }) => r.bff.child.exitCode === null && r.bff.child.signalCode === null;
    // a fresh pool per question: the test's own connections drop with the database too
    const query = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> => {
      const c = new pg.Client({ connectionString: pgServer.url() });
      await c.connect();
      try {
        return (await c.query<T>(text, values)).rows;
      } finally {
        await c.end();
      }
    };
    const holder = async () => (await query<{ holder: string }>("SELECT holder FROM leases WHERE cluster_id = 'c1' AND expires_at > $1", [Date.now()]))[0]?.holder ?? null;

    const a = await replica('outage-a');
    await until('A holding the lease of c1', async () => (await holder())?.startsWith(`${a.url}#`) === true);
    const b = await replica('outage-b');
    const onA = new Watcher(a.url, TOKEN);
    const onB = new Watcher(b.url, TOKEN);
    cleanup.push(() => void onA.socket.close(), () => void onB.socket.close());
    await until('both browsers subscribed', () => onA.rev !== undefined && onB.rev !== undefined);

    // the sim emits: a fault every 600 ms through B (forwarded to the holder); refused while the database is away
    let down = false;
    let refused = 0;
    const sent = new Set<Promise<void>>();
    const faults = setInterval(() => {
      down = !down;
      const f = fetch(`${b.url}/api/v1/sim/faults?cluster=c1`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: down ? 'shutdown' : 'start', nodes: ['pve2'] }),
      })
        .then((r) => void (r.ok || refused++))
        .catch(() => void refused++)
        .finally(() => sent.delete(f));
      sent.add(f);
    }, 600);
    cleanup.push(() => clearInterval(faults));
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
    await until('a replica running c1 again', async () => (await holder().catch(() => null)) !== null, 30_000);
    await until('both browsers seeing the cluster move and new events', () => onA.patches > patches.a + 5 && onB.patches > patches.b + 5 && Math.min(Math.max(...onA.seqs), Math.max(...onB.seqs)) >= seenBefore + 4, 40_000).catch(async (e: unknown) => {
      const held = await holder().catch(() => 'unknown');
      throw new Error(
        `${(e as Error).message}: patches on A ${onA.patches - patches.a}, on B ${onB.patches - patches.b}; newest seq before ${seenBefore}, A ${Math.max(...onA.seqs)}, B ${Math.max(...onB.seqs)}; lease ${held}; A ${a.url}, B ${b.url}`,
      );
    });
    const recoveredMs = Date.now() - backAt;
    for (const r of [a, b]) await until(`${r.url} healthy again`, async () => (await fetch(`${r.url}/healthz`)).status === 200, 10_000);
    clearInterval(faults);
    await Promise.allSettled([...sent]);
    expect(alive(a)).toBe(true);
    expect(alive(b)).toBe(true);

    // the stored seq gap-free, once the sim is quiet; each browser has every event from its first, once
    const storedSeqs = async () => (await query<{ seq: string }>("SELECT seq FROM events WHERE cluster_id = 'c1' ORDER BY seq")).map((r) => Number(r.seq));
    let stored = await storedSeqs();
    for (let quiet = 0, tries = 0; quiet < 3 && tries < 20; tries++) {
      await sleep(1_000);
      const now = await storedSeqs();
      quiet = now.length === stored.length ? quiet + 1 : 0;
      stored = now;
    }
    expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    const last = stored.at(-1)!;
    await until('both browsers at the last stored seq', () => Math.max(...onA.seqs) === last && Math.max(...onB.seqs) === last, 10_000);
    for (const [name, w] of [['A', onA], ['B', onB]] as const) {
      const first = Math.min(...w.seqs);
      expect([...w.seqs].sort((x, y) => x - y), `the browser on ${name} (${w.connects} connections; events before the outage ${JSON.stringify(before)}, when it was back ${JSON.stringify(atBack)}), in the order received: ${w.seqs.join(' ')}`).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
    }
    console.log(`database outage: ${DOWN_MS} ms away; the cluster moved again on both replicas ${recoveredMs} ms after it came back; ${stored.length} events; ${refused} faults refused`);
  }, 150_000);
});
