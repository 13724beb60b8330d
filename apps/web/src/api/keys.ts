// Every TanStack Query key of the page, in one registry: each useQuery, setQueryData, invalidateQueries and
// removeQueries names its key through here, so two places can never disagree on a key's shape.
// Types only from the api modules: this file stays free of runtime imports.
import type { AuditFilter, HistoryFilter } from './admin';

export const queryKeys = {
  /** GET /auth/state: the session (kept when the user's other data is dropped at sign-out) */
  auth: ['auth-state'] as const,
  /** GET /clusters, or the `?sample=` stand-in for it */
  clusters: (sample: string | null) => ['clusters', sample] as const,
  /** GET /clusters/:id (admin): the stored entry and its source's health */
  clusterDetail: (id: string) => ['cluster-detail', id] as const,
  /** GET /ssh-key (admin): Quorate's own public SSH key */
  sshKey: ['ssh-key'] as const,
  /** the live snapshot the socket keeps (never fetched by a query) */
  snapshot: (clusterId: string) => ['snapshot', clusterId] as const,
  /** the live event feed: first page from REST, then the socket */
  events: (clusterId: string) => ['events', clusterId] as const,
  history: (filter: HistoryFilter) => ['history', filter] as const,
  audit: (filter: AuditFilter) => ['audit', filter] as const,
  users: ['users'] as const,
  tokens: ['tokens'] as const,
  retention: ['retention'] as const,
  /** the cluster's incidents (newest first): REST, kept live by the socket */
  incidents: (clusterId: string) => ['incidents', clusterId] as const,
  /** a cluster's link thresholds (GET /settings/links): the matrix colours by them, the admin form edits them */
  linkSettings: (clusterId: string) => ['link-settings', clusterId] as const,
  /** one pair and link over the last hour or week */
  linkSeries: (clusterId: string, a: number, b: number, link: number, range: string) => ['link-series', clusterId, a, b, link, range] as const,
  /** every link of one node, the last hour */
  nodeLinkSeries: (clusterId: string, node: string) => ['node-link-series', clusterId, node] as const,
  /** one task (long operation): the socket's `task` messages update it, GET /tasks/:id backs it */
  task: (id: string) => ['task', id] as const,
  /** the BFF's dry run of `pvecm expected`, per value and per quorum situation */
  expectedVotesPlan: (clusterId: string, expectedVotes: number, quorum: string) => ['expected-votes-plan', clusterId, expectedVotes, quorum] as const,
};
