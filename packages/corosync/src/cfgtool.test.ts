import { describe, expect, it } from 'vitest';
import { decodeBriefStatus, parseCfgtoolNodes, parseCfgtoolStatus } from './cfgtool';
import { fixture } from './fixtures.test-helper';

describe('parseCfgtoolStatus', () => {
  it('healthy node 1', () => {
    const r = parseCfgtoolStatus(fixture('cfgtool-s__3of3__node1.txt'));
    expect(r).toEqual({
      ok: true,
      value: {
        localNodeId: 1,
        transport: 'knet',
        links: [
          {
            link: 0, transport: 'udp', address: '198.18.0.11', brief: null, legacyStatus: null,
            nodes: [
              { nodeId: 1, state: 'localhost', raw: 'localhost' },
              { nodeId: 2, state: 'connected', raw: 'connected' },
              { nodeId: 3, state: 'connected', raw: 'connected' },
            ],
          },
        ],
      },
    });
  });

  it('isolated node 3', () => {
    const r = parseCfgtoolStatus(fixture('cfgtool-s__inquorate-1of3__isolated__node3.txt'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings).toBeUndefined();
    expect(r.value.localNodeId).toBe(3);
    expect(r.value.links[0]?.address).toBe('198.18.0.13');
    expect(r.value.links[0]?.nodes.map((n) => `${n.nodeId}:${n.state}`)).toEqual(['1:disconnected', '2:disconnected', '3:localhost']);
  });

  it("the lab's two links, healthy, from node 1", () => {
    const r = parseCfgtoolStatus(fixture('cfgtool-s__3of3-2links__node1.txt'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings).toBeUndefined();
    expect(r.value.localNodeId).toBe(1);
    expect(r.value.transport).toBe('knet');
    expect(r.value.links).toEqual(
      [0, 1].map((link) => ({
        link, transport: 'udp', address: `198.18.${link}.11`, brief: null, legacyStatus: null,
        nodes: [
          { nodeId: 1, state: 'localhost', raw: 'localhost' },
          { nodeId: 2, state: 'connected', raw: 'connected' },
          { nodeId: 3, state: 'connected', raw: 'connected' },
        ],
      })),
    );
  });

  /** link@address:states of nodes 1..3 (l localhost, c connected, d disconnected) */
  const linkSummary = (name: string) => {
    const r = parseCfgtoolStatus(fixture(name));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.warnings).toBeUndefined();
    return [r.value.localNodeId, ...r.value.links.map((l) => `${l.link}@${l.address}:${l.nodes.map((n) => `${n.nodeId}${n.state[0]}`).join('')}`)];
  };

  it("the lab's link faults on pve3: link 0 down (knet fails over), then both links down (partition)", () => {
    expect(linkSummary('cfgtool-s__link0-down-pve3-2links__node1.txt')).toEqual([1, '0@198.18.0.11:1l2c3d', '1@198.18.1.11:1l2c3c']);
    expect(linkSummary('cfgtool-s__partition-2of3-2links__node1.txt')).toEqual([1, '0@198.18.0.11:1l2c3d', '1@198.18.1.11:1l2c3d']);
    // the cut-off node sees every peer disconnected on both links
    expect(linkSummary('cfgtool-s__partition-isolated-1of3-2links__node3.txt')).toEqual([3, '0@198.18.0.13:1d2d3l', '1@198.18.1.13:1d2d3l']);
  });

  it('the facts sheet two-link sample', () => {
    const text = [
      'Local node ID 1, transport knet',
      'LINK ID 0 udp',
      '\taddr\t= 10.10.10.1',
      '\tstatus:',
      '\t\tnodeid:          1:\tlocalhost',
      '\t\tnodeid:          2:\tconnected',
      '\t\tnodeid:          3:\tdisconnected',
      'LINK ID 1 udp',
      '\taddr\t= 10.20.20.1',
      '\tstatus:',
      '\t\tnodeid:          1:\tlocalhost',
      '\t\tnodeid:          2:\tconnected',
      '\t\tnodeid:          3:\tdisconnected',
    ].join('\n');
    const r = parseCfgtoolStatus(text);
    expect(r.ok && r.value.links.map((l) => `${l.link}@${l.address}:${l.nodes.map((n) => n.state[0]).join('')}`)).toEqual([
      '0@10.10.10.1:lcd',
      '1@10.20.20.1:lcd',
    ]);
  });

  it('older layouts: no transport, "Printing link status.", man-page spacing', () => {
    const text = ['Printing link status.', 'Local node ID 1', 'LINK ID 0', '\taddr\t= 10.0.0.1', '\tstatus:', '\t\tnodeid  1:\tlocalhost', '\t\tnodeid  2:\tconnected'].join('\n');
    const r = parseCfgtoolStatus(text);
    expect(r).toMatchObject({
      ok: true,
      value: { localNodeId: 1, transport: null, links: [{ link: 0, transport: null, address: '10.0.0.1' }] },
    });
    expect(r.ok && r.value.links[0]?.nodes.map((n) => n.state)).toEqual(['localhost', 'connected']);
  });

  it('corosync 2 ring status and -b brief status', () => {
    const legacy = parseCfgtoolStatus('Printing ring status.\nLocal node ID 1\nRING ID 0\n\tid\t= 10.0.0.1\n\tstatus\t= ring 0 active with no faults\n');
    expect(legacy).toMatchObject({ ok: true, value: { links: [{ link: 0, address: '10.0.0.1', legacyStatus: 'ring 0 active with no faults' }] } });
    const brief = parseCfgtoolStatus('Local node ID 1, transport knet\nLINK ID 0 udp\n\taddr\t= 10.0.0.1\n\tstatus\t= n31\n');
    expect(brief).toMatchObject({ ok: true, value: { links: [{ brief: 'n31' }] } });
    expect(decodeBriefStatus('n31?d')).toEqual([
      { index: 0, local: true, enabled: true, connected: true, problem: null },
      { index: 1, local: false, enabled: true, connected: true, problem: null },
      { index: 2, local: false, enabled: true, connected: false, problem: null },
      { index: 3, local: false, enabled: null, connected: null, problem: 'unknown' },
      { index: 4, local: false, enabled: null, connected: null, problem: 'config-error' },
    ]);
  });

  it('fails on unrelated text and duplicate reports; warns on stray lines', () => {
    expect(parseCfgtoolStatus('Could not initialize corosync configuration API error 2\n')).toMatchObject({ ok: false, error: { line: 1 } });
    expect(parseCfgtoolStatus('')).toMatchObject({ ok: false, error: { line: 0 } });
    const one = fixture('cfgtool-s__3of3__node1.txt');
    expect(parseCfgtoolStatus(one + one)).toMatchObject({ ok: false, error: { line: 8 } });
    const stray = parseCfgtoolStatus(`${one}\tweird line\n`);
    expect(stray.ok && stray.warnings).toEqual(['line 8: unrecognised: "\\tweird line"']);
  });
});

describe('parseCfgtoolNodes', () => {
  it('healthy node 1: two reachable peers', () => {
    const r = parseCfgtoolNodes(fixture('cfgtool-n__3of3__node1.txt'));
    expect(r).toEqual({
      ok: true,
      value: {
        localNodeId: 1,
        transport: 'knet',
        nodes: [2, 3].map((id) => ({
          nodeId: id,
          reachable: true,
          remote: false,
          external: false,
          onwire: null,
          links: [
            {
              link: 0, transport: 'udp', sourceAddress: '198.18.0.11', destinationAddress: `198.18.0.1${id}`,
              enabled: true, connected: true, dynconnected: false, mtu: 1397,
            },
          ],
        })),
      },
    });
  });

  it("the lab's two links: both connected, then link 0 to pve3 not connected (still reachable over link 1)", () => {
    const links = (name: string) => {
      const r = parseCfgtoolNodes(fixture(name));
      if (!r.ok) throw new Error(r.error.message);
      expect(r.warnings).toBeUndefined();
      expect(r.value).toMatchObject({ localNodeId: 1, transport: 'knet' });
      return r.value.nodes.map((n) => [
        n.nodeId,
        n.reachable,
        n.links.map((l) => `${l.link} ${l.transport} ${l.sourceAddress}->${l.destinationAddress} ${l.enabled ? 'E' : '-'}${l.connected ? 'C' : '-'} ${l.mtu}`),
      ]);
    };
    expect(links('cfgtool-n__3of3-2links__node1.txt')).toEqual([
      [2, true, ['0 udp 198.18.0.11->198.18.0.12 EC 1397', '1 udp 198.18.1.11->198.18.1.12 EC 1397']],
      [3, true, ['0 udp 198.18.0.11->198.18.0.13 EC 1397', '1 udp 198.18.1.11->198.18.1.13 EC 1397']],
    ]);
    expect(links('cfgtool-n__link0-down-pve3-2links__node1.txt')).toEqual([
      [2, true, ['0 udp 198.18.0.11->198.18.0.12 EC 1397', '1 udp 198.18.1.11->198.18.1.12 EC 1397']],
      [3, true, ['0 udp 198.18.0.11->198.18.0.13 E- 1397', '1 udp 198.18.1.11->198.18.1.13 EC 1397']],
    ]);
    expect(fixture('cfgtool-n__link0-down-pve3-2links__node1.txt')).toContain('(198.18.0.11->198.18.0.13) enabled mtu: 1397\n');
  });

  it('isolated node 3: header only', () => {
    expect(parseCfgtoolNodes(fixture('cfgtool-n__inquorate-1of3__isolated__node3.txt'))).toEqual({
      ok: true,
      value: { localNodeId: 3, transport: 'knet', nodes: [] },
    });
  });

  it('the man-page / facts sheet sample with onwire versions and a not-connected link', () => {
    const text = [
      'Local node ID 1, transport knet',
      'nodeid: 2 reachable   onwire (min/max/cur): 0, 1, 1',
      '   LINK: 0 udp (10.10.10.1->10.10.10.2) enabled connected mtu: 1397',
      '   LINK: 1 udp (10.20.20.1->10.20.20.2) enabled mtu: 469',
      '',
    ].join('\n');
    const r = parseCfgtoolNodes(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.nodes[0]?.onwire).toEqual({ min: 0, max: 1, current: 1 });
    expect(r.value.nodes[0]?.links.map((l) => [l.link, l.destinationAddress, l.enabled, l.connected, l.mtu])).toEqual([
      [0, '10.10.10.2', true, true, 1397],
      [1, '10.20.20.2', true, false, 469],
    ]);
  });

  it('fails on unrelated text', () => {
    expect(parseCfgtoolNodes('Cannot initialize CMAP service\n')).toMatchObject({ ok: false, error: { line: 1 } });
  });
});
