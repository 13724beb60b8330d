// Faults injected into the simulated cluster (from the API or a scenario step). A fault is first resolved
// against this cluster — node names to indices, link numbers checked, partition groups to a group per
// node — so an invalid one is refused whole (SimFaultError) before anything changes; then it is applied.
import { SimFault } from '@quorate/model';
import { SimFaultError } from './errors';
import { healthyLinks, type Links } from './links';
import type { Membership } from './membership';
import { scenarioSteps, type ScenarioName } from './scenarios';
import type { Quality, SimState } from './state';
import type { Topology } from './topology';

/** a fault that names only nodes and links this cluster has */
export type ResolvedFault =
  | { action: 'stop' | 'shutdown' | 'start'; nodes: number[] }
  | { action: 'link-down' | 'link-up'; node: number; link: number | undefined }
  | { action: 'link-quality'; node: number; link: number | undefined; quality: Quality }
  /** partition group per node index */
  | { action: 'partition'; groups: number[] }
  | { action: 'heal' }
  | { action: 'scenario'; name: ScenarioName };

/** parses and checks a fault against this cluster; throws SimFaultError naming what is wrong */
export function resolveFault(topo: Topology, input: SimFault): ResolvedFault {
  const parsed = SimFault.safeParse(input);
  if (!parsed.success) throw new SimFaultError(`invalid fault: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'fault'}: ${i.message}`).join('; ')}`);
  const fault = parsed.data;
  switch (fault.action) {
    case 'stop':
    case 'shutdown':
    case 'start':
      return { action: fault.action, nodes: fault.nodes.map((x) => nodeIndex(topo, x)) };
    case 'link-down':
    case 'link-up':
      return { action: fault.action, node: nodeIndex(topo, fault.node), link: checkLink(topo, fault.link) };
    case 'link-quality': {
      const node = nodeIndex(topo, fault.node);
      return { action: fault.action, node, link: checkLink(topo, fault.link), quality: { latencyMs: fault.latencyMs, lossPct: fault.lossPct, jitterMs: fault.jitterMs } };
    }
    case 'partition': {
      // nodes in no group stay together in one more group ("the rest of the network")
      const groups = topo.names.map(() => fault.groups.length);
      const seen = new Map<number, number>();
      fault.groups.forEach((g, gi) =>
        g.forEach((name) => {
          const i = nodeIndex(topo, name);
          const other = seen.get(i);
          if (other !== undefined && other !== gi) throw new SimFaultError(`${name} is in two partition groups (${other + 1} and ${gi + 1})`);
          seen.set(i, gi);
          groups[i] = gi;
        }),
      );
      return { action: 'partition', groups };
    }
    case 'heal':
      return { action: 'heal' };
    case 'scenario':
      return { action: 'scenario', name: fault.name };
  }
}

/** what a fault acts on */
export interface FaultTarget {
  topo: Topology;
  s: SimState;
  links: Links;
  membership: Membership;
}

export function applyFault(fault: ResolvedFault, { topo, s, links, membership }: FaultTarget): void {
  switch (fault.action) {
    case 'stop':
      for (const i of fault.nodes) if (s.status[i] === 'running') membership.nodeDown(i, 'crashed');
      break;
    case 'shutdown':
      for (const i of fault.nodes) if (s.status[i] === 'running') membership.nodeDown(i, 'stopped');
      break;
    case 'start':
      for (const i of fault.nodes) membership.nodeUp(i);
      break;
    case 'link-down':
    case 'link-up':
      links.setDown(fault.node, fault.link, fault.action === 'link-down');
      break;
    case 'link-quality':
      links.setQuality(fault.node, fault.link, fault.quality);
      break;
    case 'partition':
      s.groups = fault.groups;
      break;
    case 'heal':
      s.scheduled = [];
      for (let i = 0; i < topo.n; i++) membership.nodeUp(i);
      Object.assign(s, healthyLinks(topo));
      s.groups = null;
      break;
    case 'scenario': {
      const t = s.clock;
      const steps = scenarioSteps(fault.name, topo.names).map((x) => ({ at: t + x.afterMs, fault: x.fault }));
      s.scheduled = [...s.scheduled, ...steps].sort((a, b) => a.at - b.at);
      break;
    }
  }
}

function nodeIndex(topo: Topology, name: string): number {
  const i = topo.names.indexOf(name);
  if (i < 0) throw new SimFaultError(`unknown node '${name}': this cluster has ${topo.name(0)}..${topo.name(topo.n - 1)}`);
  return i;
}

function checkLink(topo: Topology, link: number | undefined): number | undefined {
  if (link !== undefined && (link < 0 || link >= topo.L))
    throw new SimFaultError(`unknown link ${link}: this cluster has link${topo.L === 1 ? ' 0' : `s 0..${topo.L - 1}`}`);
  return link;
}
