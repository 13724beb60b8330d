import { describe, expect, it } from 'vitest';
import { sampleSnapshot } from '../testing/arbitraries';
import { LinkChange, LinkChangeRequest, newAddresses, type LinkFacts } from './change';
import { linkPlan, snapshotLinks } from './plan';

const OK_EDIT = { ok: true as const, text: 'totem {}\n', configVersion: { from: 3, to: 4 } };
const add: LinkChange = { kind: 'add-link', link: 2, addresses: [1, 2, 3].map((k) => ({ node: `pve${k}`, address: `10.2.0.${k}` })) };
const probesFor = (change: LinkChange, over: Partial<LinkFacts['probes'][number]> = {}): LinkFacts['probes'] =>
  newAddresses(change).flatMap((a) => ['pve1', 'pve2', 'pve3'].filter((f) => f !== a.node).map((from) => ({ from, to: a.node, link: a.link, address: a.address, reachable: true, udp: true, latencyMs: 0.3, lossPct: 0, ...over })));
const facts = (change: LinkChange, over: Partial<LinkFacts['probes'][number]> = {}): LinkFacts => ({ conf: { text: 'x' }, probes: probesFor(change, over) });
const status = (p: ReturnType<typeof linkPlan>, id: string) => p.checks.find((c) => c.id === id)?.status;
const failed = (p: ReturnType<typeof linkPlan>) => p.checks.filter((c) => c.status === 'fail').map((c) => c.id);

describe('linkPlan', () => {
  it('add a third link: every check passes; links 0, 1 → 0, 1, 2; the sentence says what and the config_version', () => {
    const p = linkPlan(sampleSnapshot(), add, facts(add), OK_EDIT);
    expect(failed(p)).toEqual([]);
    expect(p).toMatchObject({ linksBefore: [0, 1], linksAfter: [0, 1, 2], configVersion: { from: 3, to: 4 } });
    expect(p.sentence).toBe('add link 2 (pve1 10.2.0.1, pve2 10.2.0.2, pve3 10.2.0.3): links 0, 1 → 0, 1, 2, config_version 3 → 4');
  });

  it('fails: an address a member cannot reach, a dropped UDP port, a refused edit, no conf, a node offline', () => {
    const s = sampleSnapshot();
    const unreachable = linkPlan(s, add, facts(add, { reachable: false, udp: false }), OK_EDIT);
    expect(failed(unreachable)).toEqual(['addresses-reachable']);
    // an address that does not answer at all: its port is not "open"
    expect(status(unreachable, 'corosync-port')).toBe('warn');
    const dropped = linkPlan(s, add, facts(add, { udp: false }), OK_EDIT);
    expect(failed(dropped)).toEqual(['corosync-port']);
    expect(dropped.checks.find((c) => c.id === 'corosync-port')!.fix).toContain('UDP 5407');
    expect(failed(linkPlan(s, add, facts(add), { ok: false, error: 'link 2 exists already' }))).toEqual(['config']);
    expect(failed(linkPlan(s, add, { conf: { unmeasured: 'no SSH' }, probes: probesFor(add) }, null))).toEqual(['config']);
    const off = { ...s, nodes: s.nodes.map((n) => (n.name === 'pve3' ? { ...n, state: 'offline' as const } : n)) };
    expect(failed(linkPlan(off, add, facts(add), OK_EDIT))).toEqual(['all-online']);
    // UDP not testable here: a warning, never a pass
    expect(status(linkPlan(s, add, facts(add, { udp: null }), OK_EDIT), 'corosync-port')).toBe('warn');
  });

  it('remove link 1: refused when it is the only connected link of a pair; a warning that one link is left', () => {
    const s = sampleSnapshot();
    const rm: LinkChange = { kind: 'remove-link', link: 1 };
    const ok = linkPlan(s, rm, { conf: { text: 'x' }, probes: [] }, OK_EDIT);
    expect(failed(ok)).toEqual([]);
    expect(status(ok, 'redundancy')).toBe('warn');
    // link 0 down between pve1 and pve2: link 1 is all they have
    const cut = { ...s, links: s.links.map((l) => (l.link === 0 && [l.from, l.to].sort().join() === '1,2' ? { ...l, connected: false } : l)) };
    const p = linkPlan(cut, rm, { conf: { text: 'x' }, probes: [] }, OK_EDIT);
    expect(failed(p)).toEqual(['keeps-connected']);
    expect(p.checks.find((c) => c.id === 'keeps-connected')!.measured).toBe('link 1 is the only connected link of pve1–pve2');
  });

  it('set an address: probed; a warning when the node talks over that link only', () => {
    const s = sampleSnapshot();
    const mv: LinkChange = { kind: 'set-address', node: 'pve3', link: 0, address: '10.0.9.3' };
    expect(failed(linkPlan(s, mv, facts(mv), OK_EDIT))).toEqual([]);
    const only0 = { ...s, links: s.links.map((l) => (l.link === 1 ? { ...l, connected: false } : l)) };
    const p = linkPlan(only0, mv, facts(mv), OK_EDIT);
    expect(status(p, 'keeps-connected')).toBe('warn');
    expect(p.checks.find((c) => c.id === 'keeps-connected')!.measured).toBe('pve1–pve3 and pve2–pve3 talk only over link 0: they lose each other until pve3 is reachable at 10.0.9.3');
    expect(snapshotLinks(s)).toEqual([0, 1]);
  });

  it('the request: validated at the edge', () => {
    expect(LinkChangeRequest.safeParse({ change: add, dryRun: true }).success).toBe(true);
    expect(LinkChangeRequest.safeParse({ change: { kind: 'add-link', link: 8, addresses: [{ node: 'pve1', address: '10.0.0.1' }] } }).success).toBe(false);
    expect(LinkChangeRequest.safeParse({ change: { kind: 'set-address', node: 'pve1', link: 0, address: '10.0.0.1; reboot' } }).success).toBe(false);
    expect(LinkChangeRequest.safeParse({ change: { kind: 'set-priority', link: 0, priority: 300 } }).success).toBe(false);
    expect(LinkChangeRequest.safeParse({ change: { kind: 'set-link-mode', mode: 'rr' }, extra: 1 }).success).toBe(false);
  });
});
