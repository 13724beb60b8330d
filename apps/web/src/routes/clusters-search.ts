// The all-clusters page's search params: the filter text and the order. Judged by the page (loaded with it),
// so the first load carries none of it; a value that does not parse counts as absent (the default order).
import * as z from 'zod/mini';
import { optional } from './search';

export const CLUSTER_SORTS = ['health', 'name', 'change'] as const;
export type ClusterSort = (typeof CLUSTER_SORTS)[number];

export const clustersSearch = z.object({
  /** the filter: part of a name or id */
  q: optional(z.string().check(z.minLength(1), z.maxLength(128))),
  /** absent: worst first */
  sort: optional(z.enum(CLUSTER_SORTS)),
  /** absent: the column's own first direction (worst, A to Z, newest first) */
  dir: optional(z.enum(['asc', 'desc'])),
});
export type ClustersSearch = z.output<typeof clustersSearch>;
