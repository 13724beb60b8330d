// The composition (store.ts): what the store does across its parts, on both engines.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Task } from '@quorate/model';
import type { AuditInput } from '../audit';
import { draft } from '../testing';
import { openSqlStore } from './store';
import { ENGINES, handClock, useSqlStores } from './testing';

const DAY = 86_400_000;
const audit = (at: number, message: string): AuditInput => ({
  at,
  actor: { kind: 'system', id: 'system', name: 'system' },
  role: 'admin',
  operation: 'start',
  clusterId: null,
  params: {},
  confirmed: false,
  result: 'ok',
  message,
});
const task = (id: string, startedAt: number): Task => ({
  id,
  operation: 'expected-votes',
  clusterId: 'lab',
  status: 'ok',
  startedAt,
  endedAt: startedAt + 1,
  actor: { kind: 'user', id: 'u1', name: 'admin' },
  params: { votes: 3 },
  message: null,
  log: [],
});

describe.each(ENGINES)('the store on %s', (engine) => {
  const t = useSqlStores(engine);

  it('prune applies the stored retention: events, audit (tasks and deliveries as long), expired sessions', async () => {
    const clock = handClock(1_700_000_000_000);
    const first = await t.open({ now: clock.now });
    await first.settings.retention.set({ events: { maxPerCluster: 2 }, audit: { maxAgeDays: 30 } });
    await first.close();
    // opened again: the settings persisted
    const s = await t.open({ now: clock.now });
    const old = clock.at - 31 * DAY;
    await s.events.append('c', [draft(0, clock.at), draft(1, clock.at), draft(2, clock.at)]);
    await s.audit.record(audit(old, 'old'));
    await s.audit.record(audit(clock.at, 'new'));
    await s.tasks.save(task('t-old', old));
    await s.tasks.save(task('t-new', clock.at));
    const delivery = { channelId: 'ch_a', channelName: 'ops', channelType: 'webhook', notificationId: 'n', kind: 'opened', rule: null, clusterId: null, incidentId: null, title: 't', outcome: 'sent', status: 200, detail: '', attempts: 1, fallbackOf: null } as const;
    await s.alerts.deliveries.record({ ...delivery, at: old });
    await s.alerts.deliveries.record({ ...delivery, at: clock.at });
    const user = await s.users.create({ username: 'alice', password: 'correct horse battery', role: 'viewer' });
    const session = await s.sessions.create(user.id, 1_000);
    await s.sessions.create(user.id, DAY);
    clock.advance(1_000);

    expect(await s.prune()).toEqual({ events: 1, audit: 1, sessions: 1, tasks: 1, alerts: 1 });
    expect(await s.events.firstSeq('c')).toBe(2);
    expect((await s.audit.list({ limit: 10 })).records.map((r) => r.message)).toEqual(['new']);
    expect((await s.tasks.list({ limit: 10, offset: 0 })).tasks.map((x) => x.id)).toEqual(['t-new']);
    expect((await s.alerts.deliveries.list({ limit: 10, offset: 0 })).total).toBe(1);
    expect(await s.sessions.get(session.id)).toBeNull();
    expect(await s.prune()).toEqual({ events: 0, audit: 0, sessions: 0, tasks: 0, alerts: 0 });
  });

  it('transaction: the writes of the parts bound to it commit together, or none do', async () => {
    const s = await t.open();
    const write = async (tx: Parameters<Parameters<typeof s.transaction>[0]>[0]) => {
      await tx.kv.set('k', 1);
      await tx.events.append('c', [draft(0)]);
    };
    await expect(
      s.transaction(async (tx) => {
        await write(tx);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await s.kv.get('k', z.number())).toBeUndefined();
    expect(await s.events.lastSeq('c')).toBe(0);
    await s.transaction(write);
    expect(await s.kv.get('k', z.number())).toBe(1);
    expect(await s.events.lastSeq('c')).toBe(1);
  });

  it('health and checkIntegrity say ok; backup is a SQLite copy, refused on PostgreSQL (pg_dump)', async () => {
    const s = await t.open();
    expect(s.health().state).toBe('ok');
    expect((await s.checkIntegrity()).state).toBe('ok');
    expect(s.noteError(new Error('boom'))).toBe(false);
    if (engine === 'postgres') {
      const out = join(tmpdir(), `quorate-never-${process.pid}.db`);
      await expect(s.backup(out)).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/pg_dump/) });
      expect(existsSync(out)).toBe(false);
      // every replica must decrypt with the same key: there is no default key file beside a URL
      await expect(openSqlStore({ url: 'postgres://nowhere.invalid/quorate' })).rejects.toMatchObject({ code: 'invalid', message: expect.stringMatching(/keyFile/) });
    } else {
      expect(s.where).toMatch(/quorate\.db$/);
    }
  });
});
