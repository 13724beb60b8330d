import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames } from './fixtures.test-helper';
import { parseAlgorithm, parseNodeIdList, parseQdeviceToolStatus, parseTieBreaker, splitHostPort, type QdeviceToolStatus } from './qdevice-tool';

const parsed = (name: string): QdeviceToolStatus => {
  const r = parseQdeviceToolStatus(fixture(name));
  if (!r.ok) throw new Error(`${name}: ${r.error.message} (line ${r.error.line})`);
  expect(r.warnings, name).toBeUndefined();
  return r.value;
};

describe('parseQdeviceToolStatus (corosync-qdevice-tool -s / -sv, captured on the lab)', () => {
  it('-s, connected: state, algorithm, qnetd host/port, tie-breaker, node lists', () => {
    expect(parsed('qdevice-tool-s__connected__node1.txt')).toEqual({
      verbose: false,
      model: 'Net',
      nodeId: 1,
      configVersion: 2,
      configuredNodes: [
        { nodeId: 1, dataCenterId: null },
        { nodeId: 2, dataCenterId: null },
      ],
      membershipNodes: [1, 2],
      heartbeatIntervalMs: null,
      syncHeartbeatIntervalMs: null,
      heuristics: null,
      ringId: null,
      quorate: null,
      quorumNodes: null,
      expectedVotes: null,
      lastPoll: null,
      net: {
        clusterName: 'lab-cluster',
        qnetdHost: 'qnetd',
        qnetdPort: 5403,
        algorithm: { raw: 'Fifty-Fifty split', id: 'ffsplit' },
        tieBreaker: { raw: 'Node with lowest node ID', mode: 'lowest', nodeId: null },
        state: 'Connected',
        connected: true,
        connectTimeoutMs: null,
        heartbeatIntervalMs: null,
        voteTimerIntervalMs: null,
        tls: null,
        kapTieBreaker: null,
        pollTimer: null,
        tlsActive: null,
        connectedSince: null,
        echoReplyReceived: null,
        heuristicsResult: null,
      },
    });
  });

  it('-sv, connected: timers, quorum view, last poll with its vote, TLS with the client certificate', () => {
    const s = parsed('qdevice-tool-sv__connected__node1.txt');
    expect(s).toMatchObject({
      verbose: true,
      heartbeatIntervalMs: 10000,
      syncHeartbeatIntervalMs: 30000,
      heuristics: 'Disabled',
      ringId: '1.9',
      quorate: true,
      quorumNodes: [
        { nodeId: 2, state: 'member' },
        { nodeId: 1, state: 'member' },
      ],
      expectedVotes: 3,
      lastPoll: { at: '2026-12-02T14:45:38', castVote: true },
    });
    expect(s.net).toMatchObject({
      connected: true,
      connectTimeoutMs: 8000,
      heartbeatIntervalMs: 8000,
      voteTimerIntervalMs: 5000,
      tls: 'Supported',
      kapTieBreaker: 'Enabled',
      pollTimer: { running: true, castVote: true },
      tlsActive: { active: true, clientCertificateSent: true },
      connectedSince: '2026-12-02T14:45:38',
    });
  });

  it('-sv with pve2 killed: membership 1, pve2 dead in the quorum list, still casting its vote', () => {
    const s = parsed('qdevice-tool-sv__node2-killed__node1.txt');
    expect(s.membershipNodes).toEqual([1]);
    expect(s.quorumNodes).toEqual([
      { nodeId: 2, state: 'dead' },
      { nodeId: 1, state: 'member' },
    ]);
    expect(s.lastPoll?.castVote).toBe(true);
    expect(s.net?.connected).toBe(true);
  });

  it('qnetd killed: Connect failed, not connected; -sv has no vote, no TLS-active or connected-since lines', () => {
    expect(parsed('qdevice-tool-s__qnetd-killed__node1.txt').net).toMatchObject({ state: 'Connect failed', connected: false, qnetdHost: 'qnetd' });
    const v = parsed('qdevice-tool-sv__qnetd-killed__node1.txt');
    expect(v.lastPoll).toEqual({ at: '2026-12-02T14:45:55', castVote: false });
    expect(v.net).toMatchObject({ state: 'Connect failed', connected: false, pollTimer: { running: true, castVote: false }, tlsActive: null, connectedSince: null });
  });

  it('refuses what the tool never prints whole: empty, garbage, a non-string', () => {
    expect(parseQdeviceToolStatus('')).toMatchObject({ ok: false, error: { message: expect.stringMatching(/empty/) } });
    expect(parseQdeviceToolStatus('   \n\n')).toMatchObject({ ok: false });
    expect(parseQdeviceToolStatus('Cannot connect to QDevice socket (is QDevice running?): No such file or directory\n')).toMatchObject({ ok: false, error: { line: 1 } });
    expect(parseQdeviceToolStatus('Quorum information\n------------------\nDate: x\n')).toMatchObject({ ok: false });
    expect(parseQdeviceToolStatus(null as unknown as string)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/expected text/) } });
    expect(parseQdeviceToolStatus('\u0000'.repeat(10_000))).toMatchObject({ ok: false });
  });

  it('unknown values fail; an unknown label is a warning', () => {
    const text = fixture('qdevice-tool-s__connected__node1.txt');
    expect(parseQdeviceToolStatus(text.replace('State:\t\t\tConnected', 'State:\t\t\tHappy'))).toMatchObject({ ok: false, error: { message: expect.stringMatching(/unknown State/) } });
    expect(parseQdeviceToolStatus(text.replace('Membership node list:\t1, 2', 'Membership node list:\t1, x'))).toMatchObject({ ok: false });
    expect(parseQdeviceToolStatus(text.replace('QNetd host:\t\tqnetd:5403', 'QNetd host:\t\tqnetd'))).toMatchObject({ ok: false });
    const extra = parseQdeviceToolStatus(text.replace('State:', 'Shiny new field:\tyes\nState:'));
    expect(extra.ok && extra.warnings).toEqual([expect.stringMatching(/unknown "Shiny new field"/)]);
    // a node list with data center ids (qdevice prints them when set) and a tie-breaker by node id
    const dc = parseQdeviceToolStatus(text.replace('    1\tNode ID = 2\n', '    1\tNode ID = 2, Data center ID = 7\n').replace('Node with lowest node ID', 'Node with node ID 2'));
    expect(dc.ok && dc.value.configuredNodes[1]).toEqual({ nodeId: 2, dataCenterId: 7 });
    expect(dc.ok && dc.value.net?.tieBreaker).toEqual({ raw: 'Node with node ID 2', mode: 'node', nodeId: 2 });
  });

  it('cut short at every character: fails, or gives what the whole report gives for the state and the node lists', () => {
    for (const name of fixtureNames(/^qdevice-tool-/)) {
      const text = fixture(name);
      const whole = parsed(name);
      for (let cut = 0; cut < text.length; cut++) {
        const r = parseQdeviceToolStatus(text.slice(0, cut));
        if (!r.ok) continue;
        const label = `${name} cut at ${cut}`;
        expect(r.value.net?.state, label).toBe(whole.net?.state);
        expect(r.value.net?.connected, label).toBe(whole.net?.connected);
        expect(r.value.membershipNodes, label).toEqual(whole.membershipNodes);
        expect(r.value.configuredNodes, label).toEqual(whole.configuredNodes);
        expect(r.value.net?.algorithm, label).toEqual(whole.net?.algorithm);
      }
    }
  });

  it('never throws on random input', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'Qdevice information\n-:\t ,=0123456789StateConnectedNode ID';
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: Math.floor(rnd() * 200) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      const r = parseQdeviceToolStatus(text);
      expect(typeof r.ok).toBe('boolean');
    }
  });
});

describe('qdevice tool helpers', () => {
  it('algorithms, tie-breakers, node lists, host:port', () => {
    expect(parseAlgorithm('LMS')).toEqual({ raw: 'LMS', id: 'lms' });
    expect(parseAlgorithm('2 Node LMS').id).toBe('2nodelms');
    expect(parseAlgorithm('Fifty-Fifty split (KAP Tie-breaker)').id).toBe('ffsplit');
    expect(parseAlgorithm('Something else').id).toBeNull();
    expect(parseTieBreaker('Node with highest node ID').mode).toBe('highest');
    expect(parseTieBreaker('whatever').mode).toBeNull();
    expect(parseNodeIdList('')).toEqual([]);
    expect(parseNodeIdList('1, 2, 3')).toEqual([1, 2, 3]);
    expect(parseNodeIdList('1 (2), 3')).toEqual([1, 3]);
    expect(parseNodeIdList('1,,2')).toBeNull();
    expect(splitHostPort('qnetd:5403')).toEqual({ host: 'qnetd', port: 5403 });
    expect(splitHostPort('fe80::1:5403')).toEqual({ host: 'fe80::1', port: 5403 });
    expect(splitHostPort('qnetd:99999')).toBeNull();
    expect(splitHostPort('qnetd')).toBeNull();
  });
});
