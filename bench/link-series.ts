// npm run bench:link-series — what keeping link latency/loss costs: the simulator (32 nodes × 8 links by
// default, LS_NODES / LS_LINKS to change) ticking every second for LS_MINUTES (default 10) simulated minutes,
// each snapshot through the link-health tracker and the link series (1 s ring + minute rollups in a real
// SQLite store in a temporary directory). Prints the rollup rows and bytes written to disk per minute (WAL
// and its checkpoint, from /proc/self/io), the ring's memory, the projected size of a week of rollups and
// the CPU time per snapshot. Then the same for the default 3 nodes × 2 links. Last line:
// link_series rows_per_min=X kb_per_min=Y ring_mb=Z (for the first configuration)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { LinkHealthTracker, type ClusterSnapshot } from '@quorate/model';
import { createSimSource } from '@quorate/sources';
import { LINK_ROLLUP_KEEP_MS, openStore } from '@quorate/store';
import { LinkSeriesRecorder } from '../apps/bff/src/link-series/recorder';

const MINUTES = Number(process.env.LS_MINUTES ?? 10);
const NODES = Number(process.env.LS_NODES ?? 32);
const LINKS = Number(process.env.LS_LINKS ?? 8);
if (!(MINUTES >= 2) || !(NODES >= 2 && NODES <= 32) || !(LINKS >= 1 && LINKS <= 8)) throw new Error('LS_MINUTES >= 2, LS_NODES 2..32, LS_LINKS 1..8');

const writeBytes = (): number => Number(/^write_bytes:\s+(\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
const mb = (b: number) => (b / 1e6).toFixed(1);

interface Result {
  rowsPerMin: number;
  kbPerMin: number;
  ringMb: number;
}

async function run(nodes: number, links: number, minutes: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'quorate-bench-links-'));
  const store = await openStore({ dataDir: join(dir, 'data'), onWarning: () => undefined });
  if (store.limiter.kind !== 'sqlite') throw new Error('a SQLite store');
  // the file's own figures (WAL, dbstat) through the connection under the store
  const db = store.limiter.db;
  try {
    // start on a whole minute so every minute flushed is a full one
    const t0 = Math.ceil(Date.now() / 60_000) * 60_000;
    const sim = createSimSource({ clusterId: 'bench', nodeCount: nodes, linkCount: links, tickMs: 1000, now: () => t0 });
    // some latency and loss on one node's links: the figures vary as on a real cluster
    sim.applyFault({ action: 'link-quality', node: 'pve1', latencyMs: 12, lossPct: 2, jitterMs: 3 });
    const tracker = new LinkHealthTracker();
    const recorder = new LinkSeriesRecorder('bench', store, pino({ level: 'warn' }));
    let snapshots = 0;
    let trackerMs = 0;
    let seriesMs = 0;
    sim.subscribe((s: ClusterSnapshot) => {
      snapshots++;
      const a = performance.now();
      tracker.observe(s);
      const b = performance.now();
      recorder.observe(s);
      seriesMs += performance.now() - b;
      trackerMs += b - a;
    });
    const buffers0 = process.memoryUsage().arrayBuffers;
    // the first minute fills the ring's pairs (allocated on first data) and is the first written
    sim.advance(60_000);
    await recorder.settled();
    const rows0 = recorder.rowsWritten;
    db.pragma('wal_checkpoint(TRUNCATE)');
    const w0 = writeBytes();
    sim.advance((minutes - 1) * 60_000);
    await recorder.settled();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const written = writeBytes() - w0;
    const rows = recorder.rowsWritten - rows0;
    const rowsPerMin = rows / (minutes - 1);
    const kbPerMin = written / 1024 / (minutes - 1);
    // the table's own pages (dbstat), not the rest of the database
    const tableBytes = db.prepare("SELECT sum(pgsize) FROM dbstat WHERE name = 'link_rollups'").pluck().get() as number;
    const bytesPerRow = tableBytes / (await store.linkRollups.count('bench'));
    const weekMinutes = LINK_ROLLUP_KEEP_MS / 60_000;
    const ringBytes = recorder.ring.bytes();
    const pairLinks = ((nodes * (nodes - 1)) / 2) * links;
    const t = performance.now();
    const week = await store.linkRollups.pair('bench', 1, 2, 0, t0 - LINK_ROLLUP_KEEP_MS, t0 + minutes * 60_000);
    const readMs = performance.now() - t;

    console.log(`\n${nodes} nodes × ${links} links: ${pairLinks} pair-links, ${snapshots} snapshots over ${minutes} simulated minutes`);
    console.log(`  rollups: ${rowsPerMin.toFixed(0)} rows/min in one transaction each, ${kbPerMin.toFixed(0)} KB/min written (WAL + checkpoint)`);
    console.log(`  on disk: ${bytesPerRow.toFixed(0)} B/row → a week (${weekMinutes} min) ≈ ${mb(bytesPerRow * rowsPerMin * weekMinutes)} MB; written per day ≈ ${mb(kbPerMin * 1024 * 1440)} MB`);
    console.log(`  ring: ${mb(ringBytes)} MB (${recorder.ring.pairLinks().length} pair-links × 14.4 KB); array buffers grew ${mb(process.memoryUsage().arrayBuffers - buffers0)} MB`);
    console.log(`  per snapshot: tracker ${(trackerMs / snapshots).toFixed(2)} ms, series ${(seriesMs / snapshots).toFixed(2)} ms (the minute writes are stored after it, asynchronously); a pair's rollups read back (${week.length} rows) in ${readMs.toFixed(1)} ms`);
    return { rowsPerMin, kbPerMin, ringMb: ringBytes / 1e6 };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const big = await run(NODES, LINKS, MINUTES);
await run(3, 2, MINUTES);
console.log(`\nlink_series rows_per_min=${big.rowsPerMin.toFixed(0)} kb_per_min=${big.kbPerMin.toFixed(0)} ring_mb=${big.ringMb.toFixed(1)}`);
