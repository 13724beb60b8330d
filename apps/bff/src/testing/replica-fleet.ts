// What the replica tests (failover, database outage) share: BFF replicas of one sim cluster 'c1' on a test
// PostgreSQL, a browser's live connection as the web app keeps it, a fault loop that makes the sim emit, and the
// checks that the stored seq is gap-free and that a browser has every event once.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { connect, type Socket } from 'socket.io-client';
import { expect, onTestFailed } from 'vitest';
import type { ClusterEvent } from '@quorate/model';
import { freePort, sleep, startReplica, type BffChild, type LogRecord } from '../../../../bench/bff-child';

export type Cleanup = (() => Promise<unknown> | void)[];
export type Replica = { bff: BffChild; url: string };

/** a browser's live connection as the web app keeps it: on every (re)connect it subscribes again after what it has */
export class Watcher {
  readonly seqs: number[] = [];
  rev: number | undefined;
  /** snapshots received, and patches that did not apply to the rev held (the web app would start over) */
  snapshots = 0;
  breaks = 0;
  /** patches received (the cluster's live view moving) */
  patches = 0;
  /** connections made (1: never reconnected) */
  connects = 0;
  readonly socket: Socket;
  constructor(url: string, token: string, clusterId = 'c1') {
    this.socket = connect(url, { transports: ['websocket'], forceNew: true, auth: { token }, reconnectionDelay: 200, reconnectionDelayMax: 500 });
    this.socket.on('connect', () => {
      this.connects++;
      const seq = this.seqs.length > 0 ? Math.max(...this.seqs) : undefined;
      this.socket.emit('subscribe', { clusterId, ...(seq !== undefined ? { seq } : { seq: 0 }), ...(this.rev !== undefined ? { rev: this.rev } : {}) }, () => {});
    });
    this.socket.on('event', (e: ClusterEvent) => this.seqs.push(e.seq));
    this.socket.on('snapshot', (m: { rev: number }) => {
      this.snapshots++;
      this.rev = m.rev;
    });
    this.socket.on('patch', (m: { patch: { baseRev: number; rev: number } }) => {
      this.patches++;
      if (m.patch.baseRev !== this.rev) this.breaks++;
      this.rev = m.patch.rev;
    });
  }
}

export async function until(what: string, pred: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(100)) if (await pred()) return;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * Replicas of the cluster 'c1' (a 3-node sim ticking every 200 ms) on the PostgreSQL at pgUrl, sharing a key file
 * in a temporary directory; what they log is printed when the test fails (the last 300 lines).
 */
export function replicaFleet(o: { pgUrl: () => string; token: string; ttlMs: number; cleanup: Cleanup; prefix: string; env?: Record<string, string> }) {
  const dir = mkdtempSync(join(tmpdir(), `quorate-${o.prefix}-`));
  o.cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const keyFile = join(dir, 'secret.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  const logs: string[] = [];
  onTestFailed(() => console.log(`the replicas said:\n${logs.slice(-300).join('\n')}`));
  const line = (name: string, rec: LogRecord) => {
    const r = rec as LogRecord & { component?: string; err?: { message?: string } };
    return `${name}: ${new Date().toISOString().slice(17, 23)} ${r.component ?? ''} ${r.msg ?? ''} ${r.err?.message ?? ''}`;
  };
  /** a fresh connection per question: the test's own connections drop with the database too */
  const query = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> => {
    const c = new pg.Client({ connectionString: o.pgUrl() });
    await c.connect();
    try {
      return (await c.query<T>(text, values)).rows;
    } finally {
      await c.end();
    }
  };
  return {
    dir,
    query,
    async replica(name: string, port?: number): Promise<Replica> {
      const r = await startReplica(
        {
          port: port ?? (await freePort()),
          databaseUrl: o.pgUrl(),
          keyFile,
          leaseTtlMs: o.ttlMs,
          clusters: [{ id: 'c1', source: 'sim', nodes: 3, tickMs: 200, tokenMs: 200 }],
          token: o.token,
          env: { LOG_LEVEL: 'info', ...o.env },
        },
        name,
        (rec) => void logs.push(line(name, rec)),
      );
      o.cleanup.push(() => r.bff.stop());
      return r;
    },
    /** the holder of c1's live lease, or null */
    holder: async (): Promise<{ holder: string; token: number } | null> => {
      const row = (await query<{ holder: string; token: string }>("SELECT holder, token FROM leases WHERE cluster_id = 'c1' AND expires_at > $1", [Date.now()]))[0];
      return row ? { holder: row.holder, token: Number(row.token) } : null;
    },
    /** every stored seq of c1, once the sim has been quiet for 3 s (at most 20 s) */
    async quietSeqs(): Promise<number[]> {
      const seqs = async () => (await query<{ seq: string }>("SELECT seq FROM events WHERE cluster_id = 'c1' ORDER BY seq")).map((r) => Number(r.seq));
      let stored = await seqs();
      for (let quiet = 0, tries = 0; quiet < 3 && tries < 20; tries++) {
        await sleep(1_000);
        const now = await seqs();
        quiet = now.length === stored.length ? quiet + 1 : 0;
        stored = now;
      }
      return stored;
    },
  };
}

export const alive = (r: Replica): boolean => r.bff.child.exitCode === null && r.bff.child.signalCode === null;

/**
 * A fault every 600 ms on c1 through url (pve2 shut down, then started): the sim emits events. Requests refused
 * (or failing) are counted.
 */
export function faultLoop(url: string, token: string, cleanup: Cleanup) {
  let down = false;
  let refused = 0;
  const sent = new Set<Promise<void>>();
  const timer = setInterval(() => {
    down = !down;
    const f = fetch(`${url}/api/v1/sim/faults?cluster=c1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: down ? 'shutdown' : 'start', nodes: ['pve2'] }),
    })
      .then((r) => void (r.ok || refused++))
      .catch(() => void refused++)
      .finally(() => sent.delete(f));
    sent.add(f);
  }, 600);
  cleanup.push(() => clearInterval(timer));
  return {
    refused: () => refused,
    /** no more faults; resolves once the ones sent have been answered */
    async stop(): Promise<void> {
      clearInterval(timer);
      await Promise.allSettled([...sent]);
    },
  };
}

/** each browser has every seq from its first up to last, exactly once */
export function expectEveryEventOnce(watchers: Record<string, Watcher>, last: number, more = ''): void {
  for (const [name, w] of Object.entries(watchers)) {
    const first = Math.min(...w.seqs);
    expect([...w.seqs].sort((x, y) => x - y), `the browser on ${name} (${w.connects} connections${more}), in the order received: ${w.seqs.join(' ')}`).toEqual(
      Array.from({ length: last - first + 1 }, (_, i) => first + i),
    );
  }
}
