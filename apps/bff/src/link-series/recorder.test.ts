import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { ClusterSnapshot } from '@quorate/model';
import { openStore, type Store } from '@quorate/store';
import { fakeSnapshot } from '../testing/fake-source';
import { tempDataDir } from '../testing/harness';
import { FLUSH_SPREAD_MS, flushPhaseOf, LinkSeriesRecorder } from './recorder';

const M0 = 28_333_333 * 60_000;
const NAMES = ['pve1', 'pve2', 'pve3'];
let store: Store | null = null;
let dir = '';
afterEach(async () => {
  await store?.close();
  store = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(): Promise<Store> {
  dir = tempDataDir();
  store = await openStore({ dataDir: dir, onWarning: () => undefined });
  return store;
}

/** the fake 3-node cluster at t, pve1–pve2 link 0 at `latency` ms both ways */
function snap(t: number, latency = 0.2, up = NAMES): ClusterSnapshot {
  const s = fakeSnapshot('c1', NAMES, new Set(up), t);
  for (const l of s.links) if (l.link === 0 && l.from + l.to === 3) l.latencyAvgMs = latency;
  return s;
}

describe('LinkSeriesRecorder', () => {
  it('writes each minute once it is over: one row per pair and link with data, in one transaction', async () => {
    const st = await open();
    const rec = new LinkSeriesRecorder('c1', st, pino({ level: 'silent' }), 0);
    let commits = 0;
    const write = st.linkRollups.write;
    st.linkRollups.write = (id, rows) => {
      commits++;
      return write(id, rows);
    };
    for (let s = 0; s < 125; s++) rec.observe(snap(M0 + s * 1000, s >= 30 && s < 90 ? 80 : 0.2));
    await rec.settled();
    // minutes 0 and 1 are over; minute 2 is being filled
    expect(commits).toBe(2);
    expect(rec.rowsWritten).toBe(2 * 3 * 2);
    const rows = await st.linkRollups.pair('c1', 1, 2, 0, M0, M0 + 120_000);
    expect(rows.map((r) => [r.minute - M0, r.avgMs, r.maxMs])).toEqual([
      [0, expect.closeTo(40.1, 1), 80],
      [60_000, expect.closeTo(40.1, 1), 80],
    ]);
    expect((await st.linkRollups.pair('c1', 2, 3, 1, M0, M0 + 120_000)).map((r) => r.avgMs)).toEqual([expect.closeTo(0.2, 3), expect.closeTo(0.2, 3)]);
  });

  it('writes a finished minute at its own offset into the next one: clusters do not all write at once', async () => {
    const st = await open();
    const rec = new LinkSeriesRecorder('c1', st, pino({ level: 'silent' }), 20_000);
    for (let s = 0; s < 80; s++) rec.observe(snap(M0 + s * 1000));
    await rec.settled();
    // 19 s into minute 1: minute 0 waits
    expect(rec.rowsWritten).toBe(0);
    rec.observe(snap(M0 + 80_000));
    await rec.settled();
    expect(rec.rowsWritten).toBe(6);
    // minute 0 once, with all its 60 seconds (the ring kept them)
    expect((await st.linkRollups.pair('c1', 1, 2, 0, M0, M0 + 120_000)).map((r) => r.minute - M0)).toEqual([0]);
    // the offset is the cluster's own, the same on every replica, within the spread
    expect(flushPhaseOf('c1')).toBe(flushPhaseOf('c1'));
    expect(new Set(['a', 'b', 'c', 'd', 'e'].map(flushPhaseOf)).size).toBeGreaterThan(1);
    expect(['a', 'b', 'c', 'd', 'e'].every((id) => flushPhaseOf(id) >= 0 && flushPhaseOf(id) < FLUSH_SPREAD_MS)).toBe(true);
  });

  it('writes only pair-links that had data: a stopped node has no rows', async () => {
    const st = await open();
    const rec = new LinkSeriesRecorder('c1', st, pino({ level: 'silent' }), 0);
    for (let s = 0; s <= 60; s++) rec.observe(snap(M0 + s * 1000, 0.2, ['pve1', 'pve2']));
    await rec.settled();
    expect(rec.rowsWritten).toBe(2); // 1-2 on links 0 and 1
  });

  it('after a gap writes what the ring still holds; a failing write is logged and the series goes on', async () => {
    const st = await open();
    const errors: unknown[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => errors.push(line) });
    const rec = new LinkSeriesRecorder('c1', st, logger, 0);
    rec.observe(snap(M0));
    rec.observe(snap(M0 + 5 * 60_000));
    await rec.settled();
    expect(rec.rowsWritten).toBe(6);
    st.linkRollups.write = () => Promise.reject(new Error('disk full'));
    expect(() => rec.observe(snap(M0 + 6 * 60_000))).not.toThrow();
    await rec.settled();
    expect(errors).toHaveLength(1);
    expect(rec.ring.points(1, 2, 0).map((p) => p.t - M0)).toEqual([0, 5 * 60_000, 6 * 60_000]);
  });
});
