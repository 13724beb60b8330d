// Audit trail of operations: who, as what role, did what to which cluster, and how it ended.
// params arrive already redacted; the store does not inspect them.
import { z } from 'zod';
import { AuditActor, AuditResult } from '@quorate/model';
import type { Db } from './db';
import { parseInput } from './errors';
import { parseJson } from './corrupt';
import type { CorruptReporter } from './corrupt';
import { Role } from './roles';

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
export type AuditRow = {
  id: number;
  at: number;
  actor_kind: string;
  actor_id: string;
  actor_name: string;
  role: string;
  operation: string;
  cluster_id: string | null;
  params: string;
  confirmed: number;
  result: string;
  message: string;
  task_log: string | null;
};

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

export type AuditStore = ReturnType<typeof createAuditStore>;

export function createAuditStore(db: Db, now: () => number, reportCorrupt: CorruptReporter) {
  const insert = db.prepare(`INSERT INTO audit
    (at, actor_kind, actor_id, actor_name, role, operation, cluster_id, params, confirmed, result, message, task_log)
    VALUES (@at, @actor_kind, @actor_id, @actor_name, @role, @operation, @cluster_id, @params, @confirmed, @result, @message, @task_log)`);
  const deleteOlder = db.prepare('DELETE FROM audit WHERE at < ?');

  return {
    record(input: AuditInput): AuditRecord {
      const a = parseInput(AuditInput, input, 'audit record');
      const at = a.at ?? now();
      const { lastInsertRowid } = insert.run(auditColumns(a, at));
      return { ...a, id: Number(lastInsertRowid), at };
    },

    /** Newest first, with the total number of matching records. */
    list(query: AuditListQuery): AuditList {
      const q = parseInput(AuditListQuery, query, 'audit query');
      const where: string[] = [];
      const args: unknown[] = [];
      if (q.clusterId !== undefined) {
        where.push('cluster_id = ?');
        args.push(q.clusterId);
      }
      if (q.operation !== undefined) {
        where.push('operation = ?');
        args.push(q.operation);
      }
      if (q.result !== undefined) {
        where.push('result = ?');
        args.push(q.result);
      }
      if (q.actor !== undefined) {
        where.push('(actor_id = ? OR actor_name = ?)');
        args.push(q.actor, q.actor);
      }
      const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const total = db.prepare(`SELECT count(*) FROM audit ${clause}`).pluck().get(...args) as number;
      const rows = db
        .prepare(`SELECT * FROM audit ${clause} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`)
        .all(...args, q.limit, q.offset ?? 0) as AuditRow[];
      const records: AuditRecord[] = [];
      for (const row of rows) {
        const r = auditRecordOf(row, reportCorrupt);
        if (r) records.push(r);
      }
      return { records, total };
    },

    /** Retention: deletes records older than maxAgeMs. Returns the number deleted. */
    prune({ maxAgeMs }: { maxAgeMs: number }): number {
      parseInput(z.number().min(0), maxAgeMs, 'maxAgeMs');
      return deleteOlder.run(now() - maxAgeMs).changes;
    },
  };
}
