import { describe, expect, it } from 'vitest';
import { StoreError } from '../errors';
import { ENGINES, handClock, useSqlStores } from './testing';
import { PRESENCE_PREFIX } from './lease-plan';

const TTL = 10_000;
const T0 = 1_700_000_000_000;

describe.each(ENGINES)('leases on %s', (engine) => {
  const t = useSqlStores(engine);

  it('grants a free lease, keeps the token for its live holder, and refuses a second holder', async () => {
    const clock = handClock(T0);
    const s = await t.open({ now: clock.now });
    const a = await s.leases.acquire('c1', 'replica-a', TTL);
    expect(a).toEqual({ token: 1 });
    clock.advance(TTL / 2);
    expect(await s.leases.acquire('c1', 'replica-b', TTL)).toBeNull();
    // acquiring again while live is a renewal: same token, later expiry
    expect(await s.leases.acquire('c1', 'replica-a', TTL)).toEqual({ token: 1 });
    expect(await s.leases.list()).toEqual([{ clusterId: 'c1', holder: 'replica-a', token: 1, expiresAt: clock.at + TTL }]);
    // other clusters are independent
    expect(await s.leases.acquire('c2', 'replica-b', TTL)).toEqual({ token: 1 });
    // live: who holds it now, until the expiry
    expect(await s.leases.live('c1')).toEqual({ clusterId: 'c1', holder: 'replica-a', token: 1, expiresAt: clock.at + TTL });
    expect(await s.leases.live('c3')).toBeNull();
    clock.advance(TTL);
    expect(await s.leases.live('c1')).toBeNull();
  });

  it('prunePresence deletes the presence rows of replicas long gone, never a cluster row', async () => {
    const clock = handClock(T0);
    const s = await t.open({ now: clock.now });
    await s.leases.acquire(`${PRESENCE_PREFIX}old`, 'old', TTL);
    await s.leases.acquire('c1', 'old', TTL);
    clock.advance(TTL + 60_000);
    await s.leases.acquire(`${PRESENCE_PREFIX}new`, 'new', TTL);
    expect(await s.leases.prunePresence(60_000)).toBe(0); // exactly 60 s gone: kept
    clock.advance(1);
    expect(await s.leases.prunePresence(60_000)).toBe(1);
    expect((await s.leases.list()).map((l) => l.clusterId).sort()).toEqual([`${PRESENCE_PREFIX}new`, 'c1'].sort());
  });

  it('hands an expired lease to the next holder with a higher token; the old holder can no longer renew', async () => {
    const clock = handClock(T0);
    const s = await t.open({ now: clock.now });
    const a = (await s.leases.acquire('c1', 'replica-a', TTL))!;
    clock.advance(TTL); // expiresAt is exclusive: free from this moment
    const b = await s.leases.acquire('c1', 'replica-b', TTL);
    expect(b!.token).toBeGreaterThan(a.token);
    expect(await s.leases.renew('c1', 'replica-a', a.token, TTL)).toBe(false);
    expect(await s.leases.release('c1', 'replica-a', a.token)).toBe(false);
    expect(await s.leases.acquire('c1', 'replica-a', TTL)).toBeNull();
    expect((await s.leases.list())[0]).toMatchObject({ holder: 'replica-b', token: b!.token });
  });

  it('renew extends a live lease; a lease that lapsed is not renewed, and re-acquiring it takes a new token', async () => {
    const clock = handClock(T0);
    const s = await t.open({ now: clock.now });
    const { token } = (await s.leases.acquire('c1', 'replica-a', TTL))!;
    clock.advance(TTL - 1);
    expect(await s.leases.renew('c1', 'replica-a', token, TTL)).toBe(true);
    clock.advance(TTL - 1); // past the first expiry, before the renewed one
    expect(await s.leases.acquire('c1', 'replica-b', TTL)).toBeNull();
    expect(await s.leases.renew('c1', 'replica-a', token + 1, TTL)).toBe(false);
    clock.advance(TTL);
    expect(await s.leases.renew('c1', 'replica-a', token, TTL)).toBe(false);
    // the same holder after a lapse: its writes in flight with the old token must fail, so a new token
    expect(await s.leases.acquire('c1', 'replica-a', TTL)).toEqual({ token: token + 1 });
  });

  it('release frees the lease at once and the token keeps counting (never handed out twice)', async () => {
    const clock = handClock(T0);
    const s = await t.open({ now: clock.now });
    const a = (await s.leases.acquire('c1', 'replica-a', TTL))!;
    expect(await s.leases.release('c1', 'replica-a', a.token)).toBe(true);
    const b = (await s.leases.acquire('c1', 'replica-b', TTL))!;
    expect(b.token).toBe(a.token + 1);
    expect(await s.leases.release('c1', 'replica-b', b.token)).toBe(true);
    expect(await s.leases.acquire('c1', 'replica-a', TTL)).toEqual({ token: b.token + 1 });
    // and after reopening: the counter is in the table, not in memory
    await s.close();
    clock.advance(TTL);
    const again = await t.open({ now: clock.now });
    expect(await again.leases.acquire('c1', 'replica-c', TTL)).toEqual({ token: b.token + 2 });
  });

  it('exactly one of 8 racing holders gets a free lease, and one of 8 gets it after expiry', async () => {
    const clock = handClock(T0);
    const replicas = await t.replicas(2, { now: clock.now });
    const race = () =>
      Promise.all(Array.from({ length: 8 }, (_, i) => replicas[i % 2]!.leases.acquire('c1', `replica-${i}`, TTL)));
    const first = await race();
    expect(first.filter((l) => l !== null)).toEqual([{ token: 1 }]);
    clock.advance(TTL);
    const second = await race();
    // the previous holder races too, as one more contender: its lease lapsed
    expect(second.filter((l) => l !== null)).toEqual([{ token: 2 }]);
    expect(await replicas[0]!.leases.list()).toHaveLength(1);
  });

  it('rejects bad arguments', async () => {
    const s = await t.open();
    await expect(s.leases.acquire('c1', '', TTL)).rejects.toThrow(StoreError);
    await expect(s.leases.acquire('c1', 'replica-a', 0)).rejects.toThrow(StoreError);
    await expect(s.leases.acquire('', 'replica-a', TTL)).rejects.toThrow(StoreError);
    await expect(s.leases.renew('c1', 'replica-a', 0, TTL)).rejects.toThrow(StoreError);
    expect(await s.leases.list()).toEqual([]);
  });
});
