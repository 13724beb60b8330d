// The audit record (who, as what role, did what to which cluster, and how it ended): its input, query and
// row shapes, for the audit part (sql/audit.ts). params arrive already redacted; the store does not inspect them.
import { z } from 'zod';
import type { Selectable } from 'kysely';
import { AuditActor, AuditResult } from '@quorate/model';
import { parseJson } from './corrupt';
import type { CorruptReporter } from './corrupt';
import { Role } from './roles';
import type { AuditTable } from './sql/schema';

const JsonValue = z.json();

// actor and result are the REST shapes of the model (operations.ts): one definition for store and API
export const Actor = AuditActor;
export type Actor = z.infer<typeof Actor>;
export const ActorKind = AuditActor.shape.kind;
export type ActorKind = z.infer<typeof ActorKind>;

export { AuditResult };

export const AuditInput = z.object({
  /** ms since epoch; defaults to now */
  at: z.number().int().optional(),
  actor: Actor,
  /** null for callers we do not know (aggregated anonymous failures) */
  role: Role.nullable(),
  operation: z.string().min(1).max(128),
  /** null for operations not tied to a cluster (user management, tokens) */
  clusterId: z.string().nullable(),
  /** already redacted; any JSON value (typed unknown so callers can pass Record<string, unknown>) */
  params: z.unknown().refine((v) => JsonValue.safeParse(v).success, 'params must be a JSON value'),
  confirmed: z.boolean(),
  result: AuditResult,
  message: z.string(),
  taskLog: z.array(z.string()).optional(),
});
export type AuditInput = z.input<typeof AuditInput>;

export const AuditRecord = AuditInput.extend({ id: z.number().int(), at: z.number().int() });
export type AuditRecord = z.infer<typeof AuditRecord>;

export const AuditListQuery = z.object({
  clusterId: z.string().optional(),
  operation: z.string().optional(),
  result: AuditResult.optional(),
  /** matches the actor's id or name */
  actor: z.string().optional(),
  limit: z.number().int().min(1).max(1000),
  offset: z.number().int().min(0).optional(),
});
export type AuditListQuery = z.input<typeof AuditListQuery>;

export type AuditList = { records: AuditRecord[]; total: number };

/** an audit table row */
export type AuditRow = Selectable<AuditTable>;

/** The row as a record, or null (reported) when it no longer validates. */
export function auditRecordOf(row: AuditRow, reportCorrupt: CorruptReporter): AuditRecord | null {
  const params = parseJson(row.params);
  const taskLog = row.task_log === null ? { ok: true as const, value: undefined } : parseJson(row.task_log);
  if (!params.ok || !taskLog.ok) {
    reportCorrupt({ table: 'audit', key: String(row.id), problem: !params.ok ? params.problem : 'task_log: invalid JSON' });
    return null;
  }
  const r = AuditRecord.safeParse({
    id: row.id,
    at: row.at,
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
    role: row.role === '' ? null : row.role,
    operation: row.operation,
    clusterId: row.cluster_id,
    params: params.value,
    confirmed: row.confirmed === 1,
    result: row.result,
    message: row.message,
    ...(taskLog.value === undefined ? {} : { taskLog: taskLog.value }),
  });
  if (!r.success) {
    reportCorrupt({ table: 'audit', key: String(row.id), problem: r.error.issues.map((i) => i.message).join('; ') });
    return null;
  }
  return r.data;
}

/** The columns of a validated input (id aside). */
export function auditColumns(a: z.output<typeof AuditInput>, at: number): Omit<AuditRow, 'id'> {
  return {
    at,
    actor_kind: a.actor.kind,
    actor_id: a.actor.id,
    actor_name: a.actor.name,
    role: a.role ?? '', // the column predates anonymous records: '' stands for none
    operation: a.operation,
    cluster_id: a.clusterId,
    params: JSON.stringify(a.params),
    confirmed: a.confirmed ? 1 : 0,
    result: a.result,
    message: a.message,
    task_log: a.taskLog === undefined ? null : JSON.stringify(a.taskLog),
  };
}
