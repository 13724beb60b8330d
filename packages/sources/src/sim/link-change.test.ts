// Link changes on the simulator, through packages/corosync's edit of the corosync.conf it renders: a third
// link added carries traffic; an address outside the link's network is unreachable in the probes and, applied
// anyway, leaves that node's link down; the last link removed; what the sim cannot represent is refused.
import { describe, expect, it } from 'vitest';
import { editCorosyncConfText, type LinkEdit } from '@quorate/corosync';
import { createSimSource, type SimSource } from './index';
import { simReachable } from './link-change';

const T0 = 1_780_000_000_000;
const sim = () => createSimSource({ seed: 3, now: () => T0, nodeCount: 3, linkCount: 2, spareCount: 1 });
const ops = (s: SimSource, log: string[] = []) => ({ log: (l: string) => void log.push(l), sleep: async (ms: number) => s.advance(ms) });
async function change(s: SimSource, edit: LinkEdit): Promise<void> {
  const conf = s.linkFacts({ kind: 'remove-link', link: 0 }).conf;
  if (!('text' in conf)) throw new Error('no conf');
  const r = editCorosyncConfText(conf.text, edit);
  if (!r.ok) throw new Error(r.error);
  await s.applyConf(r.text, ops(s));
}
const connectedOn = (s: SimSource, link: number) => s.current()!.links.filter((l) => l.link === link && l.connected).length;

describe('sim link changes', () => {
  it('renders its corosync.conf; add link 2: every pair connected on it, config_version 1 → 2, the spare wired too', async () => {
    const s = sim();
    const conf = s.linkFacts({ kind: 'remove-link', link: 0 }).conf as { text: string };
    expect(conf.text).toContain('ring1_addr: 198.18.1.13');
    expect(conf.text).toContain('config_version: 1');
    await change(s, { kind: 'add-link', link: 2, addresses: { pve1: '198.18.2.11', pve2: '198.18.2.12', pve3: '198.18.2.13' }, priority: 20 });
    s.advance(5_000);
    const snap = s.current()!;
    expect(snap.cluster.configVersion).toBe(2);
    expect(snap.nodes.map((n) => n.addresses.map((a) => a.address))).toEqual([1, 2, 3].map((k) => [`198.18.0.1${k}`, `198.18.1.1${k}`, `198.18.2.1${k}`]));
    expect(connectedOn(s, 2)).toBe(6);
    expect(s.spares()[0]!.addresses).toEqual(['198.18.0.14', '198.18.1.14', '198.18.2.14']);
    expect((s.linkFacts({ kind: 'remove-link', link: 0 }).conf as { text: string }).text).toContain('knet_link_priority: 20');
    // and the last link goes again
    await change(s, { kind: 'remove-link', link: 2 });
    s.advance(5_000);
    expect(s.current()!.links.some((l) => l.link === 2)).toBe(false);
    expect(s.current()!.cluster.configVersion).toBe(3);
  });

  it('a bad address: the probes say unreachable; applied anyway, that node is cut off on the link', async () => {
    const s = sim();
    const facts = s.linkFacts({ kind: 'set-address', node: 'pve3', link: 1, address: '10.9.9.9' });
    expect(facts.probes.map((p) => [p.from, p.reachable, p.udp])).toEqual([
      ['pve1', false, false],
      ['pve2', false, false],
    ]);
    expect(simReachable(1, '198.18.1.50')).toBe(true);
    await change(s, { kind: 'set-address', node: 'pve3', link: 1, address: '10.9.9.9' });
    s.advance(60_000);
    const snap = s.current()!;
    expect(snap.links.filter((l) => l.link === 1 && (l.from === 3 || l.to === 3)).every((l) => !l.connected)).toBe(true);
    expect(snap.quorum?.quorate).toBe(true);
    expect(snap.nodes.every((n) => n.state === 'online')).toBe(true);
  });

  it('refused: a link number the sim cannot represent, a lower config_version, a nodelist change', async () => {
    const s = sim();
    await expect(change(s, { kind: 'add-link', link: 5, addresses: { pve1: '198.18.5.11', pve2: '198.18.5.12', pve3: '198.18.5.13' } })).rejects.toThrow('the simulator numbers its links 0..N−1: links 0, 1, 5 cannot be simulated (add link 2, or remove link 1)');
    await expect(change(s, { kind: 'remove-link', link: 0 })).rejects.toThrow(/cannot be simulated/);
    const text = (s.linkFacts({ kind: 'remove-link', link: 0 }).conf as { text: string }).text;
    await expect(s.applyConf(text, ops(s))).rejects.toThrow('config_version 1 is not above the running 1: corosync keeps the old configuration');
    await expect(s.applyConf(text.replace('config_version: 1', 'config_version: 2').replace('name: pve3', 'name: pve9'), ops(s))).rejects.toThrow('the simulator applies link changes only');
    expect(s.current()!.cluster.configVersion).toBe(1);
  });
});
