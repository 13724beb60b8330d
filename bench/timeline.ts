// npm run bench:timeline — what time travel costs (issue 15): the simulator ticking every second for
// TL_MINUTES simulated minutes (default 20; 3 nodes × 2 links, then 32 nodes × 2 links — TL_LINKS to change),
// each change made a patch as the collector makes it and recorded in a real SQLite store (store.timeline: keyframes every
// KEYFRAME_EVERY_PATCHES patches / KEYFRAME_EVERY_MS) in a temporary directory, with a node crash, a link lost
// and a heal along the way. Prints rows and stored bytes per hour (projected from the run), bytes per patch
// (JSON and deflated), the size of a week at that rate, and the time to rebuild a moment (mean and worst of
// 200 random moments) and to list an hour's marks. Last line per configuration:
// timeline nodes=N rows_per_hour=X mb_per_hour=Y bytes_per_patch=Z rebuild_ms_p50=… rebuild_ms_max=…
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYFRAME_EVERY_MS, KEYFRAME_EVERY_PATCHES, makePatch, type ClusterSnapshot } from '@quorate/model';
import { openStore } from '@quorate/store';
import { createSimSource } from '@quorate/sources';

const MINUTES = Number(process.env.TL_MINUTES ?? 20);
const LINKS = Number(process.env.TL_LINKS ?? 2);
if (!(MINUTES >= 2) || !(LINKS >= 1 && LINKS <= 8)) throw new Error('TL_MINUTES >= 2, TL_LINKS 1..8');

const mb = (b: number) => (b / 1e6).toFixed(2);

async function run(nodes: number, links: number, minutes: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'quorate-bench-timeline-'));
  const store = await openStore({ dataDir: join(dir, 'data'), onWarning: () => undefined });
  const tl = store.timeline;
  try {
    const t0 = Math.ceil(Date.now() / 60_000) * 60_000;
    const sim = createSimSource({ clusterId: 'bench', nodeCount: nodes, linkCount: links, tickMs: 1000, now: () => t0 });
    let prev: ClusterSnapshot | null = null;
    let rev = 1;
    let jsonBytes = 0;
    let patches = 0;
    // the sim ticks synchronously: its changes are queued here and recorded one at a time, as the recorder does
    const changes: ClusterSnapshot[] = [];
    sim.subscribe((s) => void changes.push(s));
    let recordMs = 0;
    async function recordQueued(): Promise<void> {
      for (const s of changes.splice(0)) {
        const start = performance.now();
        if (!prev) await tl.record('bench', { rev, baseRev: null, snapshot: s });
        else {
          const p = makePatch(prev, s, rev, rev + 1);
          if (p) {
            rev++;
            jsonBytes += JSON.stringify(p).length;
            patches++;
            await tl.record('bench', { rev, baseRev: rev - 1, patch: p, snapshot: s });
          }
        }
        prev = s;
        recordMs += performance.now() - start;
      }
    }
    /** the sim's clock moves by ms a second at a time, each second's change recorded before the next */
    async function advance(ms: number): Promise<void> {
      for (let left = ms; left > 0; left -= 1000) {
        sim.advance(Math.min(1000, left));
        await recordQueued();
      }
    }
    void sim.start();
    await recordQueued();
    const third = Math.floor((minutes * 60_000) / 3);
    await advance(third);
    sim.applyFault({ action: 'stop', nodes: ['pve2'] });
    sim.applyFault({ action: 'link-down', node: 'pve1', link: 0 });
    await advance(third);
    sim.applyFault({ action: 'heal' });
    await advance(minutes * 60_000 - 2 * third);
    // its wall-clock timer would otherwise keep the process alive (the clock here stands still)
    await sim.stop();

    const size = await tl.size('bench');
    const perHour = 60 / minutes;
    const rows = size.keyframes + size.patches;
    const oldest = (await tl.oldest('bench'))!;
    const newest = (await tl.newest('bench'))!;
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = oldest + Math.floor(((newest - oldest) * i) / 199);
      const start = performance.now();
      await tl.at('bench', t);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const start = performance.now();
    const marks = await tl.marks('bench', newest - 3_600_000, newest);
    const marksMs = performance.now() - start;
    const p50 = times[100]!;
    const max = times.at(-1)!;
    console.log(`${nodes} nodes × ${links} links, ${minutes} simulated min (a change ≈ every second; keyframe every ${KEYFRAME_EVERY_PATCHES} patches / ${KEYFRAME_EVERY_MS / 60_000} min):`);
    console.log(`  rows      ${rows} (${size.keyframes} keyframes, ${size.patches} patches) → ${Math.round(rows * perHour)} / hour`);
    console.log(`  stored    ${mb(size.bytes)} MB deflated → ${mb(size.bytes * perHour)} MB / hour, ${mb(size.bytes * perHour * 24 * 7)} MB / week`);
    console.log(`  per patch ${Math.round(jsonBytes / Math.max(1, patches))} B JSON, ${Math.round((size.bytes - 0) / Math.max(1, rows))} B stored on average (keyframes included)`);
    console.log(`  record    ${(recordMs / Math.max(1, rows)).toFixed(2)} ms per change (patch + deflate + insert)`);
    console.log(`  rebuild   p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms (200 moments); marks of the last hour ${marksMs.toFixed(1)} ms (${marks.marks.length}${marks.truncated ? ', thinned' : ''})`);
    console.log(
      `timeline nodes=${nodes} rows_per_hour=${Math.round(rows * perHour)} mb_per_hour=${mb(size.bytes * perHour)} bytes_per_patch=${Math.round(size.bytes / Math.max(1, rows))} rebuild_ms_p50=${p50.toFixed(1)} rebuild_ms_max=${max.toFixed(1)}`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await run(3, LINKS, MINUTES);
await run(32, LINKS, MINUTES);
