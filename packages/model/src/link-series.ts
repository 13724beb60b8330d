// Latency and loss over time per node pair and link (REST /api/v1/links/series, /api/v1/settings/links).
// A pair is written a < b: the worse of its two directions (see pairLinkSamples in link-health.ts).
import { z } from 'zod';
import { ClusterIdParam } from './operations';
import { LinkNumber, NodeId, NodeName } from './snapshot';

/** hour: the BFF's 1 s ring (the last hour); week: the 1-minute rollups kept in SQLite for 7 days */
export const LinkSeriesRange = z.enum(['hour', 'week']);
export type LinkSeriesRange = z.infer<typeof LinkSeriesRange>;

const nodeIdParam = z.coerce.number().pipe(NodeId);

/**
 * GET /api/v1/links/series?cluster=&a=&b=&link=&range=hour|week — one pair (a and b are node ids, either order)
 * GET /api/v1/links/series?cluster=&node=NAME&range=hour — every link of one node (the last hour only)
 */
export const LinkSeriesQuery = z
  .object({
    cluster: ClusterIdParam.optional(),
    a: nodeIdParam.optional(),
    b: nodeIdParam.optional(),
    link: z.coerce.number().pipe(LinkNumber).optional(),
    node: NodeName.optional(),
    range: LinkSeriesRange.default('hour'),
  })
  .strict()
  .superRefine((q, ctx) => {
    const pair = q.a !== undefined || q.b !== undefined || q.link !== undefined;
    if (q.node !== undefined) {
      if (pair) ctx.addIssue({ code: 'custom', message: 'ask for a node or for a pair (a, b, link), not both' });
      if (q.range !== 'hour') ctx.addIssue({ code: 'custom', path: ['range'], message: "a node's links are kept at 1 s for the last hour only: ask per pair (a, b, link) for the week" });
      return;
    }
    if (q.a === undefined || q.b === undefined || q.link === undefined) ctx.addIssue({ code: 'custom', message: 'give node=NAME, or a, b (node ids) and link' });
    else if (q.a === q.b) ctx.addIssue({ code: 'custom', path: ['b'], message: 'a and b must be two different nodes' });
  });
export type LinkSeriesQuery = z.infer<typeof LinkSeriesQuery>;

/**
 * One point. At 1 s resolution avgMs = maxMs (one sample: the worse direction's average latency) and
 * lossMaxPct = lossPct; a minute has the average and the maximum of its seconds. null: the source gave
 * no figure (a link without latency stats, loss where it cannot be known).
 */
export const LinkSeriesPoint = z.object({
  /** start of the second or minute (ms since epoch) */
  t: z.number(),
  avgMs: z.number().nullable(),
  maxMs: z.number().nullable(),
  lossPct: z.number().nullable(),
  lossMaxPct: z.number().nullable(),
});
export type LinkSeriesPoint = z.infer<typeof LinkSeriesPoint>;

/** one pair and link; points oldest first, only where there is data (a gap is a step wider than resolutionMs) */
export const LinkSeries = z.object({
  a: NodeId,
  b: NodeId,
  aName: NodeName,
  bName: NodeName,
  link: LinkNumber,
  points: z.array(LinkSeriesPoint),
});
export type LinkSeries = z.infer<typeof LinkSeries>;

export const LinkSeriesPage = LinkSeries.extend({
  clusterId: z.string(),
  range: LinkSeriesRange,
  /** 1000 (hour) or 60000 (week) */
  resolutionMs: z.number().int().min(1),
});
export type LinkSeriesPage = z.infer<typeof LinkSeriesPage>;

/** every pair and link the node is on; the resolution is coarser than 1 s when there are many (bounded answer) */
export const NodeLinkSeriesPage = z.object({
  clusterId: z.string(),
  node: NodeName,
  range: z.literal('hour'),
  resolutionMs: z.number().int().min(1),
  series: z.array(LinkSeries),
});
export type NodeLinkSeriesPage = z.infer<typeof NodeLinkSeriesPage>;
