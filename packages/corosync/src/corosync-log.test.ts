import { describe, expect, it } from 'vitest';
import { parseCorosyncLogLine, type CorosyncLogEvent } from './corosync-log';
import { fixture } from './fixtures.test-helper';

const lines = fixture('corosync-log__node1__exploration-session.txt').split('\n').filter((l) => l !== '');
const parsed = lines.map((l) => parseCorosyncLogLine(l));
const events = parsed.flatMap((p) => (p.ok && p.value.event ? [p.value.event] : []));
const ofKind = <K extends CorosyncLogEvent['kind']>(k: K) => events.filter((e): e is Extract<CorosyncLogEvent, { kind: K }> => e.kind === k);

describe('parseCorosyncLogLine on the captured node 1 log', () => {
  it('reads every one of the 582 lines', () => {
    expect(lines).toHaveLength(582);
    expect(parsed.filter((p) => !p.ok)).toEqual([]);
    const first = parsed[0];
    expect(first?.ok && first.value).toEqual({
      time: 'Nov 25 22:27:17.857', pid: 6120, host: 'vm', level: 'notice', subsystem: 'MAIN',
      message: 'Corosync Cluster Engine 3.1.7 starting up', event: null,
    });
  });

  it('finds the membership, quorum and knet events', () => {
    expect(ofKind('membership')).toHaveLength(32);
    expect(ofKind('membership').slice(0, 3)).toEqual([
      { kind: 'membership', ringId: '1.a', joined: [1], left: [] },
      { kind: 'membership', ringId: '1.e', joined: [2], left: [] },
      { kind: 'membership', ringId: '1.12', joined: [3], left: [] },
    ]);
    expect(ofKind('membership').filter((e) => e.left.length > 0)).toHaveLength(11);
    // node 2 and 3 SIGSTOPped, then back
    expect(ofKind('membership').find((e) => e.ringId === '1.40')).toEqual({ kind: 'membership', ringId: '1.40', joined: [], left: [2, 3] });
    expect(ofKind('membership').find((e) => e.ringId === '1.44')).toEqual({ kind: 'membership', ringId: '1.44', joined: [2, 3], left: [] });
    expect(ofKind('quorum-members')).toHaveLength(31);
    expect(ofKind('quorum-members').slice(0, 3).map((e) => e.members)).toEqual([[1], [1, 2], [1, 2, 3]]);
    expect(ofKind('quorate').map((e) => e.quorate)).toEqual([true, false, true, true, true, true]);
    expect(ofKind('link').filter((e) => !e.up)).toHaveLength(14);
    expect(ofKind('link').filter((e) => e.up)).toHaveLength(20);
    expect(ofKind('link')[0]).toEqual({ kind: 'link', nodeId: 2, link: 0, up: true });
    expect(ofKind('host-unreachable')).toHaveLength(38);
    expect(ofKind('token-timeout')).toHaveLength(10);
    expect(ofKind('token-timeout')[0]).toMatchObject({ tokenMs: expect.any(Number), consensusMs: expect.any(Number) });
    expect(ofKind('config-reload')).toHaveLength(5);
  });
});

describe('parseCorosyncLogLine other layouts', () => {
  it('reads the syslog/journal layout', () => {
    expect(parseCorosyncLogLine('Nov 25 22:27:20 pve1 corosync[1234]:   [QUORUM] Members[2]: 1 2')).toEqual({
      ok: true,
      value: { time: 'Nov 25 22:27:20', pid: 1234, host: 'pve1', level: null, subsystem: 'QUORUM', message: 'Members[2]: 1 2', event: { kind: 'quorum-members', members: [1, 2] } },
    });
    expect(
      parseCorosyncLogLine('Nov  5 01:02:03 pve1 corosync[1]:   [TOTEM ] A new membership (1.2f) was formed. Members left: 3'),
    ).toMatchObject({ ok: true, value: { event: { kind: 'membership', ringId: '1.2f', joined: [], left: [3] } } });
  });

  it('rejects other text with its line', () => {
    expect(parseCorosyncLogLine('hello')).toEqual({ ok: false, error: { line: 1, message: 'not a corosync log line', text: 'hello' } });
  });
});
