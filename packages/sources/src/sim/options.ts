// Configuration of the simulated cluster: what the caller passes (SimOptions) and the resolved,
// JSON-serialisable form the engine keeps and exports (SimConfig).
import { z } from 'zod';
import { NodeId, QuorumOptions } from '@quorate/model';

/** most standalone nodes a simulation keeps beside its cluster */
export const MAX_SPARES = 16;

export const SimQdeviceOptions = z.object({
  algorithm: z.enum(['ffsplit', 'lms']).default('ffsplit'),
  /** the corosync-qnetd host (lab address space) */
  host: z.string().min(1).default('198.19.0.10'),
  /** quorum.device.votes; default ffsplit 1, lms nodes − 1 */
  votes: z.number().int().min(1).optional(),
  tieBreaker: z.union([z.enum(['lowest', 'highest']), NodeId]).default('lowest'),
});

export const SimConfig = z.object({
  clusterId: z.string().min(1).default('sim'),
  clusterName: z.string().min(1).default('lab-cluster'),
  /** 0: no cluster yet (only spares; create() makes one) */
  nodeCount: z.number().int().min(0).max(32).default(3),
  /** standalone nodes beside the cluster (spares.ts); left out when none, so older saved configs match */
  spareCount: z.number().int().min(0).max(MAX_SPARES).optional(),
  linkCount: z.number().int().min(1).max(8).default(2),
  seed: z.union([z.string(), z.number().int()]).default(1),
  tokenMs: z.number().int().min(100).default(3000),
  tokenCoefficientMs: z.number().int().min(0).default(650),
  quorumOptions: QuorumOptions.default(QuorumOptions.parse({})),
  qdevice: SimQdeviceOptions.nullable().default(null),
  /** how often usage/latency drift and a snapshot is emitted (ms) */
  tickMs: z.number().int().min(10).default(1000),
});
export type SimConfig = z.infer<typeof SimConfig>;

export type SimOptions = z.input<typeof SimConfig> & {
  /** wall clock for start(); the simulated clock starts here (default Date.now) */
  now?: () => number;
  /** resume from exportState() (or durableSimState() of it); its configuration wins over the fields above */
  state?: unknown;
  /**
   * a fresh simulation's first tick comes this much later (0 ≤ phase < tickMs): many sims started together
   * then do not all tick in the same millisecond (bench:clusters). Not part of SimConfig: a resumed sim keeps
   * its own phase, and saved states of older versions still match.
   */
  tickPhaseMs?: number;
};
