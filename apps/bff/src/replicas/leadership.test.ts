// Two replicas' leadership on one real PostgreSQL: the clusters are shared out, each replica knows where the
// others' clusters are led, and a dead replica's clusters move to the survivor with higher fencing tokens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Fence, type Store } from '@quorate/store';
import { usePgServer } from '@quorate/store/sql-testing';
import { HttpError } from '../http-errors';
import { createLeadership, holderName, urlOfHolder, type Leadership } from './leadership';

const pg = usePgServer();
const TTL = 300;
const CLUSTERS = ['c1', 'c2', 'c3', 'c4'];
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('holder names', () => {
  it('start with the replica URL and are unique per process start', () => {
    const a = holderName('http://10.0.0.5:8080');
    expect(a).not.toBe(holderName('http://10.0.0.5:8080'));
    expect(urlOfHolder(a)).toBe('http://10.0.0.5:8080');
    expect(urlOfHolder('replica-a')).toBeNull();
    expect(urlOfHolder('javascript:alert(1)#x')).toBeNull();
  });
});

describe('leadership on PostgreSQL', () => {
  async function replicas(clock: { now: number }) {
    const dir = mkdtempSync(join(tmpdir(), 'quorate-leadership-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const stores: Store[] = [];
    for (let i = 0; i < 2; i++) {
      const s = await openStore({ url: pg.url(), keyFile: join(dir, 'secret.key'), now: () => clock.now });
      stores.push(s);
      cleanup.push(() => s.close());
    }
    const led = new Map<string, { replica: number; fence: Fence }>();
    const make = (i: number): Leadership => {
      const l = createLeadership({
        leases: stores[i]!.leases,
        replicaUrl: `http://127.0.0.1:${18100 + i}`,
        ttlMs: TTL,
        clusters: () => CLUSTERS,
        onLead: (id, fence) => {
          // never two leaders at once
          expect(led.has(id)).toBe(false);
          led.set(id, { replica: i, fence });
        },
        onFollow: (id) => {
          if (led.get(id)?.replica === i) led.delete(id);
        },
        onError: () => {},
        now: () => clock.now,
      });
      cleanup.push(() => l.stop(false));
      return l;
    };
    return { stores, led, a: make(0), b: make(1) };
  }

  it('shares the clusters out; each replica knows where the others are led; a dead one’s move with higher tokens', async () => {
    const clock = { now: 1_700_000_000_000 };
    const { led, a, b } = await replicas(clock);
    for (let r = 0; r < 6; r++) {
      await a.round();
      await b.round();
      clock.now += TTL / 3;
    }
    expect(a.led().length + b.led().length).toBe(4);
    expect(a.led().length).toBe(2);
    for (const id of a.led()) {
      expect(await a.holderUrl(id)).toBeNull();
      expect(await b.holderUrl(id)).toBe('http://127.0.0.1:18100');
      expect(a.fenceOf(id)).toEqual(led.get(id)!.fence);
    }
    const before = new Map([...led].map(([id, l]) => [id, l.fence.token]));

    // a dies (no release): until its leases lapse its clusters stay with it; then 503 until b takes them
    const fromA = a.led();
    await a.stop(false);
    for (const id of fromA) led.delete(id);
    expect(await b.holderUrl(fromA[0]!)).toBe('http://127.0.0.1:18100');
    clock.now += TTL;
    const refused = await b.holderUrl(fromA[0]!).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).status).toBe(503);
    await b.round();
    expect(b.led().sort()).toEqual(CLUSTERS);
    for (const id of fromA) {
      expect(await b.holderUrl(id)).toBeNull();
      expect(led.get(id)!.fence.token).toBeGreaterThan(before.get(id)!);
    }
  });
});
