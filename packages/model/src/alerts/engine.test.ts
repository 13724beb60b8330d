import { describe, expect, it } from 'vitest';
import type { Incident, IncidentChange } from '../incidents';
import { AlertEngine, LINK_HOLD_MS, type Decision, type EngineChannel, type Silence } from './engine';

const T0 = 1_767_000_000_000;
const incident = (o: Partial<Incident> = {}): Incident => ({
  id: 'lab:41',
  clusterId: 'lab',
  cause: 'quorum-lost',
  subject: 'cluster',
  title: 'quorum lost: 1 of 3 votes, 2 needed',
  startedAt: T0,
  endedAt: null,
  severity: 'critical',
  eventSeqs: [41],
  eventCount: 1,
  affected: ['pve2', 'pve3'],
  related: [],
  ...o,
});
const change = (c: IncidentChange['change'], i: Incident): IncidentChange => ({ change: c, incident: i });

function engine(channels: EngineChannel[], o: { silences?: Silence[]; acked?: Set<string> } = {}) {
  return new AlertEngine({
    channels: () => channels,
    silences: () => o.silences ?? [],
    acked: (k) => o.acked?.has(k) ?? false,
    clusterName: (id) => (id === 'lab' ? 'Lab' : null),
    url: (a) => `https://quorate.example/incidents/${a.key}`,
  });
}
const ch = (id: string, o: Partial<EngineChannel> = {}): EngineChannel => ({ id, repeatMinutes: 0, enabled: true, ...o });
const sent = (ds: Decision[]) => ds.filter((d) => d.send);

describe('AlertEngine', () => {
  it('quorum lost: one message per channel; regained: one resolved message with the duration', () => {
    const e = engine([ch('a'), ch('b')]);
    const opened = e.incident(change('opened', incident()), T0);
    expect(sent(opened).map((d) => d.channelId)).toEqual(['a', 'b']);
    const n = opened[0]!.notification;
    expect(n).toMatchObject({ kind: 'opened', rule: 'quorum-lost', severity: 'critical', title: 'Lab: quorum lost: 1 of 3 votes, 2 needed', clusterName: 'Lab' });
    expect(n.body).toMatch(/read-only/);
    expect(n.body).toMatch(/How to recover: Bring the missing nodes back/);
    // more events of the same incident: no message
    expect(e.incident(change('updated', incident({ eventCount: 4 })), T0 + 1_000)).toEqual([]);
    expect(e.tick(T0 + 600_000)).toEqual([]);
    const closed = e.incident(change('closed', incident({ endedAt: T0 + 95_000 })), T0 + 95_000);
    expect(sent(closed)).toHaveLength(2);
    expect(closed[0]!.notification).toMatchObject({ kind: 'closed', durationMs: 95_000, severity: 'info' });
    expect(closed[0]!.notification.title).toBe('Lab: resolved — quorum lost: 1 of 3 votes, 2 needed (lasted 1 min 35 s)');
  });

  it('a link flapping 10 times in a minute: one damped message, then one when it has settled', () => {
    const e = engine([ch('a')]);
    const link = (t: number, closedAt: number | null) => incident({ id: 'lab:7', cause: 'link-down', subject: 'pve1–pve3 link0', title: 'link 0 between pve1 and pve3 down', severity: 'warning', startedAt: t, endedAt: closedAt });
    const all: Decision[] = [];
    for (let k = 0; k < 10; k++) {
      const t = T0 + k * 6_000;
      all.push(...e.incident(change('opened', link(t, null)), t));
      all.push(...e.tick(t + 1_000));
      all.push(...e.incident(change('closed', link(t, t + 3_000)), t + 3_000));
      all.push(...e.tick(t + 4_000));
    }
    expect(sent(all)).toHaveLength(1);
    expect(sent(all)[0]!.notification.title).toMatch(/^Lab: flapping \(5 changes in 60 s\) — link 0 between pve1 and pve3 down$/);
    // each held-back change is in the log with why
    expect(all.filter((d) => !d.send && /damped/.test(d.reason ?? '')).length).toBeGreaterThan(10);
    expect(all.filter((d) => !d.send && /^held/.test(d.reason ?? ''))).toHaveLength(2);
    // quiet for the window: one message says it settled (closed)
    const settled = e.tick(T0 + 9 * 6_000 + 3_000 + 60_000);
    expect(sent(settled)).toHaveLength(1);
    expect(settled[0]!.notification).toMatchObject({ kind: 'closed' });
    expect(settled[0]!.notification.body).toMatch(/changed 20 times; quiet for 60 s now/);
  });

  it('a link blip that heals within the hold sends nothing; one that lasts is sent after the hold', () => {
    const e = engine([ch('a')]);
    const link = incident({ id: 'lab:9', cause: 'link-degraded', subject: 'pve1–pve2 link1', title: 'link 1 pve1–pve2 degraded: 12 % loss', severity: 'warning' });
    expect(e.incident(change('opened', link), T0)).toEqual([]);
    const healed = e.incident(change('closed', { ...link, endedAt: T0 + 5_000 }), T0 + 5_000);
    expect(healed).toHaveLength(1);
    expect(healed[0]).toMatchObject({ send: false, reason: 'held: resolved within 15 s of opening, so neither message was sent' });
    const again = { ...link, id: 'lab:20', startedAt: T0 + 200_000 };
    e.incident(change('opened', again), T0 + 200_000);
    expect(e.tick(T0 + 200_000 + LINK_HOLD_MS - 1)).toEqual([]);
    expect(sent(e.tick(T0 + 200_000 + LINK_HOLD_MS))).toHaveLength(1);
  });

  it('a silenced rule sends nothing and says why; another rule still goes out', () => {
    const silences: Silence[] = [{ id: 's1', clusterId: 'lab', rule: 'node-offline', startsAt: T0 - 1, endsAt: T0 + 3_600_000, reason: 'maintenance of pve2' }];
    const e = engine([ch('a')], { silences });
    const node = e.incident(change('opened', incident({ id: 'lab:50', cause: 'node-left', subject: 'pve2', title: 'pve2 left the cluster', severity: 'warning' })), T0);
    expect(node).toHaveLength(1);
    expect(node[0]).toMatchObject({ send: false });
    expect(node[0]!.reason).toMatch(/^silenced until .*: maintenance of pve2$/);
    expect(sent(e.incident(change('opened', incident()), T0))).toHaveLength(1);
    // its close is not sent either: nothing was opened
    expect(sent(e.incident(change('closed', incident({ id: 'lab:50', cause: 'node-left', subject: 'pve2', title: 'pve2 left', endedAt: T0 + 10 })), T0 + 10))).toEqual([]);
  });

  it('rules off, other clusters and disabled channels get nothing', () => {
    const e = engine([ch('off', { rules: { 'quorum-lost': { on: false } } }), ch('other', { clusters: ['prod'] }), ch('disabled', { enabled: false }), ch('on', { clusters: ['lab'] })]);
    expect(e.incident(change('opened', incident()), T0).map((d) => d.channelId)).toEqual(['on']);
  });

  it('reminders every repeatMinutes while open, none once acknowledged', () => {
    const acked = new Set<string>();
    const e = engine([ch('a', { repeatMinutes: 5 })], { acked });
    e.incident(change('opened', incident()), T0);
    expect(e.tick(T0 + 299_000)).toEqual([]);
    const r1 = e.tick(T0 + 300_000);
    expect(r1.map((d) => [d.send, d.notification.kind, d.notification.id])).toEqual([[true, 'reminder', 'lab:41:reminder:1']]);
    expect(r1[0]!.notification.title).toMatch(/still open \(reminder 1\)/);
    acked.add('lab:41');
    expect(e.tick(T0 + 900_000)).toEqual([]);
  });

  it('an early warning, then the node drops: one incident, one message (and one close); a channel without early warnings hears of the drop', () => {
    const e = engine([ch('a'), ch('quiet', { rules: { 'early-warning': { on: false } } })]);
    const warned = incident({ id: 'lab:60', cause: 'node-unreachable', subject: 'pve3', title: 'pve3 unreachable: about to drop, quorum at risk', severity: 'warning' });
    expect(sent(e.incident(change('opened', warned), T0)).map((d) => [d.channelId, d.notification.rule])).toEqual([['a', 'early-warning']]);
    const left = { ...warned, cause: 'node-left' as const, title: 'pve3 left the cluster' };
    expect(sent(e.incident(change('updated', left), T0 + 6_000)).map((d) => [d.channelId, d.notification.rule])).toEqual([['quiet', 'node-offline']]);
    const closed = sent(e.incident(change('closed', { ...left, endedAt: T0 + 60_000 }), T0 + 60_000));
    expect(closed.map((d) => [d.channelId, d.notification.kind])).toEqual([
      ['a', 'closed'],
      ['quiet', 'closed'],
    ]);
  });

  it('source down: held for afterS, then one message; back up: resolved', () => {
    const e = engine([ch('a', { rules: { 'source-down': { on: true, afterS: 30 } } })]);
    expect(e.sourceHealth('lab', false, 'connect ETIMEDOUT', T0)).toEqual([]);
    expect(e.tick(T0 + 29_000)).toEqual([]);
    const down = e.tick(T0 + 30_000);
    expect(down[0]!.notification.title).toBe('Lab: the cluster cannot be observed: connect ETIMEDOUT');
    expect(e.sourceHealth('lab', false, 'still down', T0 + 40_000)).toEqual([]);
    expect(sent(e.sourceHealth('lab', true, null, T0 + 90_000))[0]!.notification).toMatchObject({ kind: 'closed', durationMs: 90_000 });
  });

  it('storage above a channel\'s threshold opens once, closes only 2 points below', () => {
    const e = engine([ch('a', { rules: { storage: { on: true, fullPct: 80 } } }), ch('b')]);
    const at = (pct: number, t: number) => e.storageUse('lab', [{ id: 'local-lvm', usedPct: pct }], t);
    expect(sent(at(81, T0)).map((d) => d.channelId)).toEqual(['a']);
    expect(at(85, T0 + 1)).toEqual([]);
    expect(at(79, T0 + 2)).toEqual([]);
    expect(sent(at(77.5, T0 + 3)).map((d) => [d.channelId, d.notification.kind])).toEqual([['a', 'closed']]);
    expect(sent(at(91, T0 + 4)).map((d) => d.channelId).sort()).toEqual(['a', 'b']);
  });

  it('HA errors from events: opened by ha-error, closed by ha-error-cleared', () => {
    const e = engine([ch('a')]);
    const ev = (type: 'ha-error' | 'ha-error-cleared', at: number) => ({ seq: 1, clusterId: 'lab', at, severity: 'critical' as const, message: '', body: { type, sid: 'vm:101', node: 'pve2', state: 'error' } });
    expect(sent(e.event(ev('ha-error', T0), T0))[0]!.notification.title).toBe('Lab: HA: vm:101 on pve2 is in state error');
    expect(sent(e.event(ev('ha-error-cleared', T0 + 5_000), T0 + 5_000))[0]!.notification.kind).toBe('closed');
  });
});

describe('AlertEngine.restore and storageUse', () => {
  it('an incident open before a restart: no new opening, its close is sent', () => {
    const e = engine([ch('a')]);
    e.restore({ key: 'lab:41', clusterId: 'lab', rule: 'quorum-lost', subject: 'cluster', title: 'quorum lost', severity: 'critical', startedAt: T0, endedAt: null, incidentId: 'lab:41' }, T0 + 60_000);
    expect(e.incident(change('updated', incident()), T0 + 61_000)).toEqual([]);
    const closed = e.incident(change('closed', incident({ endedAt: T0 + 120_000 })), T0 + 120_000);
    expect(closed.map((d) => [d.send, d.notification.kind])).toEqual([[true, 'closed']]);
  });
});

describe('AlertEngine.qdevice', () => {
  it('disconnected or not counted opens once; connected and counted closes', () => {
    const e = engine([ch('a')]);
    const q = (state: 'connected' | 'disconnected', castsVote: boolean) => ({ state, castsVote, host: 'qnetd', votes: 1 });
    expect(e.qdevice('lab', q('connected', true), T0)).toEqual([]);
    const lost = e.qdevice('lab', q('disconnected', false), T0 + 1);
    expect(sent(lost)[0]!.notification.title).toBe('Lab: QDevice qnetd lost: its state is disconnected');
    expect(e.qdevice('lab', q('connected', false), T0 + 2)).toEqual([]);
    expect(sent(e.qdevice('lab', q('connected', true), T0 + 3))[0]!.notification.kind).toBe('closed');
    expect(e.qdevice('lab', null, T0 + 4)).toEqual([]);
  });
});
