// The link change's plan: every check with why and the fix, the links before and after, one sentence. A run is
// refused while a check fails: a configuration corosync would reject, a node offline (it would keep the old
// links), a new address some member cannot reach or whose UDP port is dropped, a removal that cuts the last
// connected link between two nodes.
import { z } from 'zod';
import { JoinCheck, type JoinCheck as Check } from '../join/checks';
import { isUnmeasured } from '../join/facts';
import type { ClusterSnapshot } from '../snapshot';
import { LinkChange, newAddresses, type LinkEditOutcome, type LinkFacts } from './change';

export const LinkPlan = z.object({
  change: LinkChange,
  checks: z.array(JoinCheck),
  linksBefore: z.array(z.number().int()),
  linksAfter: z.array(z.number().int()),
  configVersion: z.object({ from: z.number().int(), to: z.number().int() }).nullable(),
  sentence: z.string(),
});
export type LinkPlan = z.infer<typeof LinkPlan>;

const list = (xs: readonly string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);
const check = (id: string, title: string, why: string) => ({
  pass: (measured: string): Check => ({ id, status: 'pass', title, measured, why, fix: null }),
  warn: (measured: string, fix: string): Check => ({ id, status: 'warn', title, measured, why, fix }),
  fail: (measured: string, fix: string): Check => ({ id, status: 'fail', title, measured, why, fix }),
});

/** the links the snapshot's nodes have addresses on */
export function snapshotLinks(s: ClusterSnapshot): number[] {
  return [...new Set(s.nodes.flatMap((n) => n.addresses.map((a) => a.link)))].sort((a, b) => a - b);
}

export function describeChange(c: LinkChange): string {
  switch (c.kind) {
    case 'add-link':
      return `add link ${c.link} (${c.addresses.map((a) => `${a.node} ${a.address}`).join(', ')}${c.priority !== undefined ? `, priority ${c.priority}` : ''})`;
    case 'remove-link':
      return `remove link ${c.link}`;
    case 'set-address':
      return `${c.node}'s address on link ${c.link} → ${c.address}`;
    case 'set-priority':
      return `link ${c.link}'s knet_link_priority → ${c.priority}`;
    case 'set-link-mode':
      return `link_mode → ${c.mode}`;
  }
}

export function linkPlan(s: ClusterSnapshot, change: LinkChange, facts: LinkFacts, edit: LinkEditOutcome | null): LinkPlan {
  const checks: Check[] = [];
  const before = snapshotLinks(s);
  const after = change.kind === 'add-link' ? [...before, change.link].sort((a, b) => a - b) : change.kind === 'remove-link' ? before.filter((l) => l !== change.link) : before;

  const conf = check('config', 'A corosync.conf Corosync accepts', 'The new configuration is written to every node and reloaded (corosync-cfgtool -R): one it rejects, or that leaves a node without an address on a link, can split the cluster.');
  if (isUnmeasured(facts.conf)) checks.push(conf.fail(`not read: ${facts.conf.unmeasured}`, 'Quorate must read /etc/pve/corosync.conf first (SSH to a node).'));
  else if (!edit) checks.push(conf.fail('not edited', 'Try again.'));
  else if (!edit.ok) checks.push(conf.fail(edit.error, 'Change the request: nothing was written.'));
  else checks.push(conf.pass(`${describeChange(change)}; config_version ${edit.configVersion.from} → ${edit.configVersion.to}`));

  const online = check('all-online', 'Every node is online', 'Every node reloads the new links at once; a node that is down would come back with the old ones and may not reach the others.');
  const down = s.nodes.filter((n) => n.state !== 'online').map((n) => n.name);
  checks.push(down.length === 0 ? online.pass(`${s.nodes.length} nodes online`) : online.fail(`${list(down)} ${down.length === 1 ? 'is' : 'are'} not online`, 'Bring every node online first (or remove a dead node from the cluster).'));

  const fresh = newAddresses(change);
  if (fresh.length > 0) {
    const reach = check('addresses-reachable', 'Every member reaches the new addresses', 'A link whose address some member cannot reach carries no traffic there: the redundancy is not there, or the node drops off that link.');
    const port = check('corosync-port', 'Corosync’s UDP port is open on the new link', 'knet talks UDP on port 5405 + the link number; a firewall that lets ping through can still drop it.');
    const probes = facts.probes;
    const missing = fresh.filter((a) => !probes.some((p) => p.to === a.node && p.address === a.address));
    const unreachable = probes.filter((p) => !p.reachable).map((p) => `${p.from} → ${p.to} ${p.address}`);
    const dropped = probes.filter((p) => p.reachable && p.udp === false).map((p) => `${p.from} → ${p.address}:${5405 + p.link}`);
    const unprobed = probes.filter((p) => p.reachable && p.udp === null).map((p) => p.from);
    if (unreachable.length > 0) checks.push(reach.fail(`unreachable: ${list(unreachable)}`, 'Check the addresses, the interfaces and the routes on that network (ip addr, ip route) before changing Corosync.'));
    else if (missing.length > 0) checks.push(reach.warn(`not probed: ${list(missing.map((a) => `${a.node} ${a.address}`))}`, 'Ping the new addresses from every node by hand first.'));
    else checks.push(reach.pass(`${list([...new Set(probes.map((p) => p.from))].sort())} reach ${list(fresh.map((a) => a.address))}`));
    if (unreachable.length > 0) checks.push(port.warn('not tested: the address does not answer at all', 'Make the address reachable first; then check UDP 5405 + link.'));
    else if (dropped.length > 0) checks.push(port.fail(`UDP dropped: ${list(dropped)}`, `Open UDP ${list([...new Set(fresh.map((a) => String(5405 + a.link)))])} on that network (firewall: the datacenter's and each node's).`));
    else if (unprobed.length > 0 || probes.length === 0) checks.push(port.warn('not probed (this source cannot test UDP)', 'Check the firewall allows UDP 5405 + link between the nodes.'));
    else checks.push(port.pass('datagrams arrived'));
  }

  if (change.kind === 'remove-link' || change.kind === 'set-address') {
    // the links that connect each pair of running nodes now, without the one the change takes away
    const cut = check('keeps-connected', 'Every pair of nodes stays connected', 'Corosync needs one working link between every two nodes; taking away the only connected one splits them.');
    const ids = s.nodes.filter((n) => n.state === 'online').map((n) => n.id);
    const nameOf = (id: number) => s.nodes.find((n) => n.id === id)?.name ?? `node ${id}`;
    const node = change.kind === 'set-address' ? s.nodes.find((n) => n.name === change.node)?.id : undefined;
    const lost: string[] = [];
    for (const a of ids)
      for (const b of ids) {
        if (a >= b) continue;
        const up = s.links.filter((l) => ((l.from === a && l.to === b) || (l.from === b && l.to === a)) && l.connected).map((l) => l.link);
        const left = up.filter((l) => l !== change.link || (change.kind === 'set-address' && a !== node && b !== node));
        if (up.length > 0 && left.length === 0) lost.push(`${nameOf(a)}–${nameOf(b)}`);
      }
    if (lost.length === 0) checks.push(cut.pass(`${change.kind === 'remove-link' ? `without link ${change.link}` : `while ${change.node} moves on link ${change.link}`}, every pair keeps a connected link`));
    else if (change.kind === 'remove-link') checks.push(cut.fail(`link ${change.link} is the only connected link of ${list(lost)}`, 'Repair another link between them first.'));
    else checks.push(cut.warn(`${list(lost)} talk only over link ${change.link}: they lose each other until ${change.node} is reachable at ${change.address}`, 'Bring another link up first, or change the address in a maintenance window.'));
  }
  if (change.kind === 'remove-link' && after.length === 1) {
    const single = check('redundancy', 'A second link remains', 'With one link, any fault on that network (a switch, a cable, a storage burst) costs quorum.');
    checks.push(single.warn(`afterwards only link ${after[0]}`, 'Add another link on a separate network when you can.'));
  }
  const configVersion = edit?.ok ? edit.configVersion : null;
  const sentence = `${describeChange(change)}: links ${before.join(', ') || 'none'} → ${after.join(', ') || 'none'}${configVersion ? `, config_version ${configVersion.from} → ${configVersion.to}` : ''}`;
  return { change, checks, linksBefore: before, linksAfter: after, configVersion, sentence };
}

/** 200 of a link change's dry run (the BFF adds the corosync.conf diff) */
export const LinkDryRunResponse = z.object({ ok: z.literal(true), dryRun: z.literal(true), plan: LinkPlan.extend({ diff: z.string().nullable() }) });
export type LinkDryRunResponse = z.infer<typeof LinkDryRunResponse>;
