// The fixed facts of a simulated cluster, derived once from its configuration and nodelist: node names, ids,
// vote weights, addresses, Corosync's timing for this size, and how a pair-link is numbered in the flat
// per-link arrays. A join, create or delnode builds a new Topology (relayout.ts).
import {
  defaultQdeviceVotes,
  knetLinkDownDetectionMs,
  membershipDetectionMs,
  rejoinDelayMs,
  runtimeTokenMs,
  type QDeviceInput,
  type VoteNode,
} from '@quorate/model';
import { at, SimInvariantError } from './invariant';
import type { SimConfig } from './options';
import { seedOf } from './rng';
import type { SimNodeDef, SimState } from './state';

/** the simulated hosts' address on link l: host number h (pve<h>) is 198.18.<l>.<h + 10> */
export function hostAddress(host: number, link: number): string {
  return `198.18.${link}.${host + 10}`;
}

/** the nodelist of a fresh cluster: pve1..pveN, id = host number, one vote */
export function defaultNodelist(config: SimConfig): SimNodeDef[] {
  return Array.from({ length: config.nodeCount }, (_, i) => ({
    name: `pve${i + 1}`,
    id: i + 1,
    votes: 1,
    addresses: Array.from({ length: config.linkCount }, (_, l) => hostAddress(i + 1, l)),
  }));
}

/** what a state changes of the configuration (saved states before joins existed have none of it) */
export type Layout = Pick<SimState, 'nodelist' | 'clusterName' | 'qdevice' | 'linkCount'>;

export class Topology {
  /** the configuration with the layout's changes (cluster name, node count, QDevice) */
  readonly config: SimConfig;
  readonly nodes: readonly SimNodeDef[];
  /** node names by index (pve1..pveN on a fresh cluster, where index i is node id i + 1) */
  readonly names: readonly string[];
  /** node ids by index */
  readonly ids: readonly number[];
  private readonly indexById: ReadonlyMap<number, number>;
  readonly n: number;
  /** links per node */
  readonly L: number;
  readonly seed: number;
  readonly voteNodes: VoteNode[];
  readonly qdeviceVotes: number;
  readonly runtimeToken: number;
  /** a failure (crash, cut) changes the membership this long after it happened */
  readonly detectMs: number;
  /** knet reports a link disconnected this long after it physically went down */
  readonly knetDownMs: number;
  /** a join changes the membership this long after the nodes can reach each other */
  readonly rejoinMs: number;

  constructor(base: SimConfig, layout: Layout = {}) {
    this.nodes = layout.nodelist ?? defaultNodelist(base);
    const config: SimConfig = {
      ...base,
      nodeCount: this.nodes.length,
      clusterName: layout.clusterName ?? base.clusterName,
      qdevice: layout.qdevice !== undefined ? layout.qdevice : base.qdevice,
      linkCount: layout.linkCount ?? base.linkCount,
    };
    this.config = config;
    this.n = this.nodes.length;
    this.L = config.linkCount;
    this.names = this.nodes.map((x) => x.name);
    this.ids = this.nodes.map((x) => x.id);
    this.indexById = new Map(this.ids.map((id, i) => [id, i]));
    this.voteNodes = this.nodes.map((x) => ({ id: x.id, votes: x.votes }));
    this.qdeviceVotes = config.qdevice ? (config.qdevice.votes ?? defaultQdeviceVotes(config.qdevice.algorithm, this.voteNodes)) : 0;
    this.runtimeToken = runtimeTokenMs(config.tokenMs, this.n, config.tokenCoefficientMs);
    this.detectMs = membershipDetectionMs(this.runtimeToken);
    this.knetDownMs = knetLinkDownDetectionMs(this.runtimeToken);
    this.rejoinMs = rejoinDelayMs(this.runtimeToken);
    this.seed = seedOf(config.seed);
  }

  name(i: number): string {
    return at(this.names, i, 'node');
  }

  /** the node id of index i */
  idOf(i: number): number {
    return at(this.ids, i, 'node');
  }

  /** the index of node id; throws on an id not in the nodelist */
  indexOf(id: number): number {
    const i = this.indexById.get(id);
    if (i === undefined) throw new SimInvariantError(`node id ${id} is not in the nodelist`);
    return i;
  }

  /** index of link l between nodes i and j (either order) in SimState's per-pair-link arrays */
  pairLink(i: number, j: number, l: number): number {
    return (Math.min(i, j) * this.n + Math.max(i, j)) * this.L + l;
  }

  /** the QDevice as votequorum sees it from a ring, or null without one */
  qdeviceInput(castsVote: boolean): QDeviceInput | null {
    const q = this.config.qdevice;
    return q ? { votes: this.qdeviceVotes, algorithm: q.algorithm, castsVote } : null;
  }
}
