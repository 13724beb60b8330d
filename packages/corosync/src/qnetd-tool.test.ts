import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames } from './fixtures.test-helper';
import { parseQnetdToolList, parseQnetdToolStatus, type QnetdToolList } from './qnetd-tool';

const list = (name: string): QnetdToolList => {
  const r = parseQnetdToolList(fixture(name));
  if (!r.ok) throw new Error(`${name}: ${r.error.message} (line ${r.error.line})`);
  expect(r.warnings, name).toBeUndefined();
  return r.value;
};

describe('parseQnetdToolList (corosync-qnetd-tool -l / -lv, captured on the lab)', () => {
  it('-l: the cluster, its algorithm and tie-breaker, each client with node id, address, node lists and vote', () => {
    expect(list('qnetd-tool-l__2nodes-connected.txt')).toEqual({
      clusters: [
        {
          name: 'lab-cluster',
          algorithm: { raw: 'Fifty-Fifty split (KAP Tie-breaker)', id: 'ffsplit' },
          tieBreaker: { raw: 'Node with lowest node ID', mode: 'lowest', nodeId: null },
          clients: [
            { nodeId: 1, address: '198.18.0.11', port: 57128, configVersion: 2, configuredNodes: [1, 2], membershipNodes: [1, 2], vote: { raw: 'ACK (ACK)', last: 'ACK', ackNack: 'ACK' }, heuristics: null, heartbeatIntervalMs: null, ringId: null, tlsActive: null },
            { nodeId: 2, address: '198.18.0.12', port: 33848, configVersion: 2, configuredNodes: [1, 2], membershipNodes: [1, 2], vote: { raw: 'No change (ACK)', last: 'No change', ackNack: 'ACK' }, heuristics: null, heartbeatIntervalMs: null, ringId: null, tlsActive: null },
          ],
        },
      ],
    });
  });

  it('-lv: heartbeat, ring id, heuristics and TLS (client certificate verified) per client', () => {
    const l = list('qnetd-tool-lv__2nodes-connected.txt');
    expect(l.clusters[0]?.clients.map((c) => [c.nodeId, c.heartbeatIntervalMs, c.ringId, c.heuristics, c.tlsActive])).toEqual([
      [1, 8000, '1.9', 'Undefined (membership: Undefined, regular: Undefined)', { active: true, certificateVerified: true }],
      [2, 8000, '1.9', 'Undefined (membership: Undefined, regular: Undefined)', { active: true, certificateVerified: true }],
    ]);
  });

  it('pve2 killed: only node 1 left, membership 1', () => {
    const l = list('qnetd-tool-l__node2-killed.txt');
    expect(l.clusters[0]?.clients.map((c) => [c.nodeId, c.membershipNodes, c.vote?.last])).toEqual([[1, [1], 'No change']]);
  });

  it('no client: qnetd prints nothing, an empty list', () => {
    expect(parseQnetdToolList('')).toEqual({ ok: true, value: { clusters: [] } });
  });

  it('garbage, unknown votes and cut addresses fail; a non-string fails', () => {
    expect(parseQnetdToolList('Cannot connect to qnetd socket (is QNetd running?): No such file or directory\n')).toMatchObject({ ok: false, error: { line: 1 } });
    expect(parseQnetdToolList('    Node ID 1:\n')).toMatchObject({ ok: false });
    const text = fixture('qnetd-tool-l__2nodes-connected.txt');
    expect(parseQnetdToolList(text.replace('No change (ACK)', 'Maybe'))).toMatchObject({ ok: false, error: { message: expect.stringMatching(/unknown vote/) } });
    expect(parseQnetdToolList(text.replace(/198\.18\.0\.12:\d+/, '198.18.0.12'))).toMatchObject({ ok: false });
    expect(parseQnetdToolList(42 as unknown as string)).toMatchObject({ ok: false });
    // an unknown client line is kept as a warning
    const extra = parseQnetdToolList(text.replace('        Vote:\t\t\tACK', '        Something new:\tyes\n        Vote:\t\t\tACK'));
    expect(extra.ok && extra.warnings).toEqual([expect.stringMatching(/unknown client line "Something new"/)]);
  });

  it('cut short at every character: fails, or every client it gives is the whole report\'s (same id, address, node lists, vote where printed)', () => {
    for (const name of fixtureNames(/^qnetd-tool-lv?__/)) {
      const text = fixture(name);
      const whole = list(name);
      for (let cut = 0; cut < text.length; cut++) {
        const r = parseQnetdToolList(text.slice(0, cut));
        if (!r.ok) continue;
        const label = `${name} cut at ${cut}`;
        for (const [ci, c] of r.value.clusters.entries()) {
          for (const [k, cl] of c.clients.entries()) {
            const w = whole.clusters[ci]?.clients[k];
            expect(cl.nodeId, label).toBe(w?.nodeId);
            expect(cl.address, label).toBe(w?.address);
            if (cl.vote) expect(cl.vote, label).toEqual(w?.vote);
            if (cl.membershipNodes) expect(w?.membershipNodes, label).toEqual(expect.arrayContaining(cl.membershipNodes));
          }
        }
      }
    }
  });
});

describe('parseQnetdToolStatus (corosync-qnetd-tool -s)', () => {
  it('the lab qnetd with 2 clients of 1 cluster', () => {
    expect(parseQnetdToolStatus(fixture('qnetd-tool-s__2nodes-connected.txt'))).toEqual({
      ok: true,
      value: { address: '198.18.0.250', port: 5403, tls: 'Supported', clientCertificateRequired: true, connectedClients: 2, connectedClusters: 1, maxClients: null },
    });
  });

  it('every address (*), empty, garbage, cut short', () => {
    const text = fixture('qnetd-tool-s__2nodes-connected.txt');
    const any = parseQnetdToolStatus(text.replace('198.18.0.250:5403', '*:5403'));
    expect(any.ok && any.value.address).toBeNull();
    expect(parseQnetdToolStatus('')).toMatchObject({ ok: false });
    expect(parseQnetdToolStatus('garbage\n')).toMatchObject({ ok: false });
    for (let cut = 0; cut < text.length - 2; cut++) {
      const r = parseQnetdToolStatus(text.slice(0, cut));
      // the last line ("Connected clusters:\t\t1") is the only one a cut can leave whole-looking
      if (r.ok) expect(r.value.connectedClusters, `cut at ${cut}`).toBe(1);
    }
  });
});
