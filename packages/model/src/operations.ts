// What was done and what happened: guarded operations (tasks), the audit trail and the event history
// (REST /api/v1/operations, /audit, /history). Shared by the BFF and the web app.
import { z } from 'zod';
import { ClusterEvent, EventBody, Severity } from './events';
import { Role } from './auth';

/** a cluster id in a query or a request: the same rule the BFF applies to configured ids */
export const ClusterIdParam = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a cluster id: letters, digits, ".", "_" and "-", at most 64 characters');

/** ?cluster=ID on cluster routes (absent = the default cluster) */
export const ClusterQuery = z.object({ cluster: ClusterIdParam.optional() });

// ---------------------------------------------------------------- operations

/** POST /api/v1/operations/expected-votes[?cluster=ID] — `pvecm expected N` */
export const ExpectedVotesRequest = z
  .object({
    expectedVotes: z.number().int('expectedVotes must be a whole number').min(1, 'expectedVotes must be at least 1').max(65_535),
    /** must be true to run; a dry run may leave it out */
    confirm: z.boolean().optional(),
    /** the recovery path (cluster not quorate), or a change that lowers the failure tolerance, needs the cluster name typed */
    clusterName: z.string().max(256).optional(),
    /** say what would happen, change nothing */
    dryRun: z.boolean().optional(),
  })
  .strict();
export type ExpectedVotesRequest = z.infer<typeof ExpectedVotesRequest>;

export const QuorumFigures = z.object({
  expectedVotes: z.number().int(),
  quorum: z.number().int(),
  totalVotes: z.number().int(),
  quorate: z.boolean(),
  /** failure tolerance: nodes that can still be lost (worst case) while staying quorate; 0 when not quorate */
  nodesCanLose: z.number().int(),
});
export type QuorumFigures = z.infer<typeof QuorumFigures>;

/** 200 of a dry run: what would happen, nothing done */
export const ExpectedVotesPlan = z.object({
  operation: z.literal('expected-votes'),
  clusterId: z.string(),
  clusterName: z.string(),
  /** the command that would run on the observer node */
  command: z.string(),
  before: QuorumFigures,
  after: QuorumFigures,
  /** the cluster is not quorate: this is the recovery path */
  recovery: z.boolean(),
  /**
   * what can go wrong, in words: split brain on the recovery path; less failure tolerance (from what to
   * what) when the change lets the cluster lose fewer nodes; null when nothing special
   */
  risk: z.string().nullable(),
  /** the cluster name must be typed as clusterName to run it: the recovery path, or less failure tolerance */
  needsClusterName: z.boolean(),
});
export type ExpectedVotesPlan = z.infer<typeof ExpectedVotesPlan>;
export const DryRunResponse = z.object({ ok: z.literal(true), dryRun: z.literal(true), plan: ExpectedVotesPlan });
export type DryRunResponse = z.infer<typeof DryRunResponse>;

// ---------------------------------------------------------------- audit (admin)

export const AuditResult = z.enum(['ok', 'refused', 'failed']);
export type AuditResult = z.infer<typeof AuditResult>;
/** anonymous: a caller we do not know (failed sign-ins and the like, one record per address and window) */
export const AuditActor = z.object({ kind: z.enum(['user', 'token', 'system', 'anonymous']), id: z.string(), name: z.string() });

export const AuditRecord = z.object({
  id: z.number().int(),
  at: z.number(),
  actor: AuditActor,
  /** null for anonymous callers */
  role: Role.nullable(),
  operation: z.string(),
  clusterId: z.string().nullable(),
  params: z.unknown(),
  confirmed: z.boolean(),
  result: AuditResult,
  message: z.string(),
  taskLog: z.array(z.string()).optional(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

const limit = (max: number, def: number) => z.coerce.number().int().min(1).max(max).default(def);
const offset = z.coerce.number().int().min(0).max(10_000_000).default(0);

/** GET /api/v1/audit?cluster=&operation=&result=&actor=&limit=&offset= (newest first) */
export const AuditQuery = z
  .object({
    cluster: ClusterIdParam.optional(),
    operation: z.string().min(1).max(128).optional(),
    result: AuditResult.optional(),
    actor: z.string().min(1).max(128).optional(),
    limit: limit(1000, 50),
    offset,
  })
  .strict();
export type AuditQuery = z.infer<typeof AuditQuery>;
export const AuditPage = z.object({ records: z.array(AuditRecord), total: z.number().int() });
export type AuditPage = z.infer<typeof AuditPage>;

// ---------------------------------------------------------------- history

const eventTypes = EventBody.options.map((o) => o.shape.type.value);
export const EventTypeName = z.enum(eventTypes as [(typeof eventTypes)[number], ...(typeof eventTypes)[number][]]);

/** one value, a comma-separated list, or the parameter repeated */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',') : v),
    z.array(item).min(1).max(32),
  );
}

/** GET /api/v1/history?cluster=&type=&severity=&before=&limit=&offset= (newest first; no cluster = all) */
export const HistoryQuery = z
  .object({
    cluster: ClusterIdParam.optional(),
    type: listOf(EventTypeName).optional(),
    severity: listOf(Severity).optional(),
    /** only events before this time (ms since epoch) */
    before: z.coerce.number().int().min(0).optional(),
    /** only events at or after this time (ms since epoch): with `before`, the range [after, before) */
    after: z.coerce.number().int().min(0).optional(),
    limit: limit(1000, 50),
    offset,
  })
  .strict();
export type HistoryQuery = z.infer<typeof HistoryQuery>;
export const HistoryPage = z.object({ events: z.array(ClusterEvent), total: z.number().int() });
export type HistoryPage = z.infer<typeof HistoryPage>;
