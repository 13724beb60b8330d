// Fault injection requests for the simulated cluster (POST /api/v1/sim/faults).
import { z } from 'zod';
import { LinkNumber, NodeName } from './snapshot';

const nodes = z.array(NodeName).min(1, 'name at least one node');

export const SimFault = z.discriminatedUnion('action', [
  /** crash: peers notice after the detection delay */
  z.object({ action: z.literal('stop'), nodes }),
  /** clean leave: peers notice at once */
  z.object({ action: z.literal('shutdown'), nodes }),
  z.object({ action: z.literal('start'), nodes }),
  /** no link = every link of the node */
  z.object({ action: z.literal('link-down'), node: NodeName, link: LinkNumber.optional() }),
  z.object({ action: z.literal('link-up'), node: NodeName, link: LinkNumber.optional() }),
  z.object({
    action: z.literal('partition'),
    groups: z.array(nodes).min(2, 'a partition needs at least two groups'),
  }),
  z.object({
    action: z.literal('link-quality'),
    node: NodeName,
    link: LinkNumber.optional(),
    latencyMs: z.number().min(0).max(10_000).default(0),
    lossPct: z.number().min(0).max(100).default(0),
    jitterMs: z.number().min(0).max(10_000).default(0),
  }),
  z.object({ action: z.literal('heal') }),
  z.object({ action: z.literal('scenario'), name: z.enum(['rolling-failure', 'flapping-link', 'split-brain']) }),
]);
export type SimFault = z.infer<typeof SimFault>;
