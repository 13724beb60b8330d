import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from '@quorate/model';
import type { HistoryFilter } from '../api/admin';
import { collectHistory } from './export-history';

const ev = (seq: number): ClusterEvent => ({
  seq,
  clusterId: 'lab',
  at: 1_700_000_000_000 + seq * 1000,
  severity: 'info',
  message: `event ${seq}`,
  body: { type: 'node-joined', nodeId: 1, name: 'pve1', votes: 1 },
});

/** a store of `n` events, newest first, answering pages like GET /api/v1/history */
function fakeApi(n: number) {
  let list = Array.from({ length: n }, (_, i) => ev(n - i));
  const asked: HistoryFilter[] = [];
  return {
    asked,
    /** new events at the top (they arrive while the export runs) */
    add(count: number) {
      const top = list[0]?.seq ?? 0;
      list = [...Array.from({ length: count }, (_, i) => ev(top + count - i)), ...list];
    },
    fetch: (f: HistoryFilter) => {
      asked.push(f);
      return Promise.resolve({ events: list.slice(f.offset, f.offset + f.limit), total: list.length });
    },
  };
}

describe('collectHistory', () => {
  it('pages through everything with the filter kept, newest first', async () => {
    const api = fakeApi(25);
    const progress: [number, number][] = [];
    const r = await collectHistory({ cluster: 'lab', severity: 'warning', after: 5 }, api.fetch, { pageSize: 10, onProgress: (d, t) => progress.push([d, t]) });
    expect(r.events.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
    expect(r).toMatchObject({ total: 25, cut: false });
    expect(api.asked.map((f) => [f.offset, f.limit])).toEqual([
      [0, 10],
      [10, 10],
      [20, 10],
    ]);
    expect(api.asked.every((f) => f.cluster === 'lab' && f.severity === 'warning' && f.after === 5)).toBe(true);
    expect(progress).toEqual([
      [10, 25],
      [20, 25],
      [25, 25],
    ]);
  });

  it('an exact multiple of the page size stops without an empty request', async () => {
    const api = fakeApi(20);
    const r = await collectHistory({ cluster: 'lab' }, api.fetch, { pageSize: 10 });
    expect(r.events).toHaveLength(20);
    expect(api.asked).toHaveLength(2);
  });

  it('nothing matches: no events, one request', async () => {
    const api = fakeApi(0);
    expect(await collectHistory({ cluster: 'lab' }, api.fetch, { pageSize: 10 })).toEqual({ events: [], total: 0, cut: false });
    expect(api.asked).toHaveLength(1);
  });

  it('events that arrive meanwhile push older ones down: none twice, none skipped', async () => {
    const api = fakeApi(25);
    const fetch = async (f: HistoryFilter) => {
      const page = await api.fetch(f);
      if (f.offset === 0) api.add(3); // after the first page
      return page;
    };
    const r = await collectHistory({ cluster: 'lab' }, fetch, { pageSize: 10 });
    const seqs = r.events.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs.slice(0, 10)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(seqs.slice(-1)).toEqual([1]);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('stops at the bound and says it was cut', async () => {
    const api = fakeApi(35);
    const r = await collectHistory({ cluster: 'lab' }, api.fetch, { pageSize: 10, max: 20 });
    expect(r.events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 35 - i));
    expect(r).toMatchObject({ total: 35, cut: true });
    expect(api.asked.length).toBeLessThanOrEqual(3);
  });

  it('exactly the bound is not cut', async () => {
    const api = fakeApi(20);
    const r = await collectHistory({ cluster: 'lab' }, api.fetch, { pageSize: 10, max: 20 });
    expect(r).toMatchObject({ cut: false });
    expect(r.events).toHaveLength(20);
  });

  it('a cancel stops it before the next request', async () => {
    const api = fakeApi(30);
    const ctl = new AbortController();
    const p = collectHistory({ cluster: 'lab' }, api.fetch, { pageSize: 10, signal: ctl.signal, onProgress: () => ctl.abort() });
    await expect(p).rejects.toThrow();
    expect(api.asked).toHaveLength(1);
  });
});
