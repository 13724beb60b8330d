// Issue 17's acceptance in npm test: two BFF processes on one real PostgreSQL behind Debian's nginx running
// deploy/nginx/quorate.conf. The sim emits (a fault every 600 ms, sent through the proxy: forwarded to the lease
// holder when it lands on the other replica); the holder is killed with SIGKILL; the survivor takes the lease
// over with a higher fencing token, the event seq stays gap-free without duplicates, and a browser that was on
// the dead replica resumes on the survivor (through the proxy) and sees every event exactly once — as does one
// that was on the survivor all along (its mirror, then its collector).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { usePgServer } from '@quorate/store/sql-testing';
import { freePort, sleep, startReplica, type BffChild } from '../../../../bench/bff-child';
import { configureExample, hasNginx, isRoot, startNginx, type Nginx } from '../testing/nginx';
import { until, Watcher } from '../testing/watcher';

const TOKEN = 'failover-test-token-0123456789abcdef';
const TTL_MS = 3_000;
const skip = !hasNginx && !isRoot;

describe.skipIf(skip)('two replicas on PostgreSQL behind nginx: the lease holder killed with SIGKILL', () => {
  const pgServer = usePgServer();
  const cleanup: (() => Promise<unknown> | void)[] = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await Promise.resolve(f()).catch(() => {});
  });

  it('the survivor takes over; the seq stays gap-free; a client resuming on the survivor sees every event once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quorate-failover-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const keyFile = join(dir, 'secret.key');
    writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    const db = new pg.Pool({ connectionString: pgServer.url(), max: 2 });
    cleanup.push(() => db.end());
    const lease = async () => (await db.query<{ holder: string; token: string }>("SELECT holder, token FROM leases WHERE cluster_id = 'c1' AND expires_at > $1", [Date.now()])).rows[0];

    const logs: string[] = [];
    onTestFailed(() => console.log(`the replicas said:\n${logs.join('\n')}`));
    const replica = async (name: string, port: number): Promise<{ bff: BffChild; url: string }> => {
      const r = await startReplica(
        { port, databaseUrl: pgServer.url(), keyFile, leaseTtlMs: TTL_MS, clusters: [{ id: 'c1', source: 'sim', nodes: 3, tickMs: 200, tokenMs: 200 }], token: TOKEN },
        name,
        // the 502s and 503s of the faults sent around the kill are expected: keep the output for a failure
        (rec) => void logs.push(`${name}: ${rec.msg ?? ''}`),
      );
      cleanup.push(() => r.bff.stop());
      return r;
    };

    // A first: it takes the lease
    const a = await replica('failover-a', await freePort());
    await until('A holding the lease of c1', async () => (await lease())?.holder.startsWith(`${a.url}#`) === true);
    const tokenA = Number((await lease())!.token);

    // the proxy in front of both (B not up yet: the first browser lands on A)
    const portB = await freePort();
    const proxyPort = await freePort();
    const proxy = `http://127.0.0.1:${proxyPort}`;
    const nginx: Nginx = await startNginx(
      dir,
      configureExample({
        'quorate-upstream': `server ${new URL(a.url).host} max_fails=1 fail_timeout=1s; server 127.0.0.1:${portB} max_fails=1 fail_timeout=1s;`,
        'quorate-listen': `listen 127.0.0.1:${proxyPort};`,
        'quorate-server-name': 'server_name _;',
        // no TLS here (the deploy test covers it): the certificate lines go
        'quorate-cert': '',
        'quorate-key': '',
        'quorate-listen-http': `listen 127.0.0.1:${await freePort()};`,
        'quorate-server-name-http': 'server_name quorate.failover;',
      }),
      async () => (await fetch(`${proxy}/healthz`)).ok,
    );
    cleanup.push(() => nginx.stop());
    const onA = new Watcher(proxy, TOKEN);
    cleanup.push(() => void onA.socket.close());
    await until('the first browser subscribed', () => onA.rev !== undefined);

    // B, and a browser on it directly: it mirrors c1 from A
    const b = await replica('failover-b', portB);
    const onB = new Watcher(b.url, TOKEN);
    cleanup.push(() => void onB.socket.close());
    await until('the browser on B subscribed', () => onB.rev !== undefined);

    // the sim emits: faults through the proxy, whichever replica nginx picks
    let down = false;
    let refused = 0;
    const sent = new Set<Promise<void>>();
    const faults = setInterval(() => {
      down = !down;
      const f = fetch(`${proxy}/api/v1/sim/faults?cluster=c1`, {
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
    await until('events before the kill', () => onA.seqs.length >= 6 && onB.seqs.length >= 6).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}: A's browser ${onA.seqs.length}, B's ${onB.seqs.length}, faults refused ${refused}`);
    });

    const snapshotsOnB = onB.snapshots;
    a.bff.child.kill('SIGKILL');
    const killedAt = Date.now();
    await until('B holding the lease', async () => (await lease())?.holder.startsWith(`${b.url}#`) === true, 20_000);
    const tokenB = Number((await lease())!.token);
    expect(tokenB).toBeGreaterThan(tokenA);
    const takeoverMs = Date.now() - killedAt;
    const seenAtTakeover = Math.max(...onA.seqs, ...onB.seqs);
    await until('events after the takeover on both browsers', () => Math.min(Math.max(...onA.seqs), Math.max(...onB.seqs)) >= seenAtTakeover + 6, 30_000);
    clearInterval(faults);
    await Promise.allSettled([...sent]);

    // every stored seq, gap-free; each browser has every one of them from its first, exactly once — once the
    // sim is quiet (a node started by the last fault joins a little later: its events come after the last fault)
    const storedSeqs = async () => (await db.query<{ seq: string }>("SELECT seq FROM events WHERE cluster_id = 'c1' ORDER BY seq")).rows.map((r) => Number(r.seq));
    let stored = await storedSeqs();
    for (let quiet = 0, tries = 0; quiet < 3 && tries < 20; tries++) {
      await sleep(1_000);
      const now = await storedSeqs();
      quiet = now.length === stored.length ? quiet + 1 : 0;
      stored = now;
    }
    expect(stored.length).toBeGreaterThan(12);
    expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    const last = stored.at(-1)!;
    await until('both browsers at the last stored seq', () => Math.max(...onA.seqs) === last && Math.max(...onB.seqs) === last, 10_000);
    for (const w of [onA, onB]) {
      const first = Math.min(...w.seqs);
      expect([...w.seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
    }
    // the browser on B kept its rev chain through the takeover: B's collector went on from its mirror's
    // revision with patches (no new snapshot to every browser of the cluster at once)
    expect(onB.snapshots).toBe(snapshotsOnB);
    expect(onB.breaks).toBe(0);
    console.log(`failover: B took the lease ${takeoverMs} ms after the kill (ttl ${TTL_MS} ms); ${stored.length} events; ${refused} faults refused around the kill`);
  }, 120_000);
});
