// The 'sim' kind: the in-process simulator. Settings name what an admin picks (nodes, links, timings);
// a restart resumes the same simulated cluster (resume.ts).
import { z } from 'zod';
import { QuorumOptions } from '@quorate/model';
import { defineKind, noSecrets } from '../kind';
import { phaseOf } from '../phase';
import { MAX_SPARES, SimConfig, SimQdeviceOptions } from './options';
import { resumeSimSource } from './resume';

export const SimSettings = z
  .object({
    /** 0: no cluster yet, only spares to create one from (then spares is needed) */
    nodes: z.number().int().min(0).max(32).default(3),
    /** standalone nodes beside the cluster, to join or create from (QUORATE_SIM_SPARES); absent: none */
    spares: z.number().int().min(0).max(MAX_SPARES).optional(),
    links: z.number().int().min(1).max(8).default(2),
    /** totem.token, ms */
    tokenMs: z.number().int().min(100).max(600_000).default(3000),
    tokenCoefficientMs: z.number().int().min(0).max(10_000).optional(),
    /** how often the simulated cluster drifts and reports, ms */
    tickMs: z.number().int().min(10).max(600_000).default(1000),
    /** a number, or any string (hashed) */
    seed: z.union([z.number().int().min(0), z.string().min(1).max(256)]).optional(),
    quorumOptions: QuorumOptions.optional(),
    /** a QDevice: {algorithm?: 'ffsplit'|'lms', host?, votes?, tieBreaker?}; null = none */
    qdevice: SimQdeviceOptions.nullable().optional(),
  })
  .strict()
  .refine((s) => s.nodes >= 2 || (s.nodes === 0 && (s.spares ?? 0) > 0), {
    path: ['nodes'],
    message: 'at least 2 nodes, or 0 with spares to create a cluster from',
  });
export type SimSettings = z.infer<typeof SimSettings>;

export const simKind = defineKind({
  kind: 'sim',
  title: 'simulator',
  settings: SimSettings,
  ...noSecrets,
  create(s, ctx) {
    const options = SimConfig.parse({
      clusterId: ctx.clusterId,
      clusterName: ctx.name,
      nodeCount: s.nodes,
      ...(s.spares ? { spareCount: s.spares } : {}),
      linkCount: s.links,
      tokenMs: s.tokenMs,
      tickMs: s.tickMs,
      ...(s.tokenCoefficientMs !== undefined ? { tokenCoefficientMs: s.tokenCoefficientMs } : {}),
      ...(s.seed !== undefined ? { seed: s.seed } : {}),
      ...(s.quorumOptions !== undefined ? { quorumOptions: s.quorumOptions } : {}),
      ...(s.qdevice !== undefined ? { qdevice: s.qdevice } : {}),
    });
    return resumeSimSource(options, ctx.resume, ctx.log, Date.now, phaseOf(ctx.clusterId, options.tickMs));
  },
});
