// The fixed facts of a simulated cluster, derived once from its configuration: node names, vote weights,
// Corosync's timing for this size, and how a pair-link is numbered in the flat per-link arrays.
import {
  defaultQdeviceVotes,
  knetLinkDownDetectionMs,
  membershipDetectionMs,
  rejoinDelayMs,
  runtimeTokenMs,
  type QDeviceInput,
  type VoteNode,
} from '@quorate/model';
import { at } from './invariant';
import type { SimConfig } from './options';
import { seedOf } from './rng';

export class Topology {
  /** pve1..pveN; node index i is node id i + 1 */
  readonly names: readonly string[];
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

  constructor(readonly config: SimConfig) {
    this.n = config.nodeCount;
    this.L = config.linkCount;
    this.names = Array.from({ length: this.n }, (_, i) => `pve${i + 1}`);
    this.voteNodes = this.names.map((_, i) => ({ id: i + 1, votes: 1 }));
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
