// Long operations (model/tasks.ts) on SQLite or PostgreSQL, kept so a page opened later, or after a
// restart, can show them. A task still running when the process stopped is ended at the next start
// (endRunning).
import { Task, TaskQuery, type TaskStatus } from '@quorate/model';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { z } from 'zod';
import { parseJson } from '../corrupt';
import { binaryOrder } from './collate';
import type { SqlContext } from './contract';
import { matchesNothing } from './text';
import type { Schema } from './schema';
import { writeTx } from './tx';
import type { Tx } from './tx';

type Row = { id: string; json: string };

export type TaskStore = ReturnType<typeof createTaskStore>;
export type TaskListQuery = Partial<Pick<z.infer<typeof TaskQuery>, 'cluster' | 'status' | 'operation'>> & { limit: number; offset: number };

export function createTaskStore({ db, dialect, now, reportCorrupt }: SqlContext) {
  const parse = (row: Row): Task | null => {
    const json = parseJson(row.json);
    const r = json.ok ? Task.safeParse(json.value) : null;
    if (!r?.success) {
      reportCorrupt({ table: 'tasks', key: row.id, problem: json.ok ? (r?.error.issues.map((i) => i.message).join('; ') ?? '') : json.problem });
      return null;
    }
    return r.data;
  };

  // an existing task keeps its cluster, operation and start: only its state moves on
  const upsert = (on: Tx, task: Task) =>
    on
      .insertInto('tasks')
      .values({ id: task.id, cluster_id: task.clusterId, operation: task.operation, status: task.status, started_at: task.startedAt, json: JSON.stringify(task) })
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ status: eb.ref('excluded.status'), json: eb.ref('excluded.json') })))
      .execute();

  return {
    async save(task: Task): Promise<void> {
      await upsert(db, task);
    },

    async get(id: string): Promise<Task | null> {
      if (matchesNothing(id)) return null;
      const row = await db.selectFrom('tasks').select(['id', 'json']).where('id', '=', id).executeTakeFirst();
      return row ? parse(row) : null;
    },

    /** newest first */
    async list(q: TaskListQuery): Promise<{ tasks: Task[]; total: number }> {
      const filter = (eb: ExpressionBuilder<Schema, 'tasks'>) => {
        const c: Expression<SqlBool>[] = [];
        if (q.cluster !== undefined) c.push(eb('cluster_id', '=', q.cluster));
        if (q.status !== undefined) c.push(eb('status', '=', q.status));
        if (q.operation !== undefined) c.push(eb('operation', '=', q.operation));
        return eb.and(c);
      };
      const counted = await db.selectFrom('tasks').select((eb) => eb.fn.countAll().as('n')).where(filter).executeTakeFirstOrThrow();
      const rows = await db
        .selectFrom('tasks')
        .select(['id', 'json'])
        .where(filter)
        .orderBy('started_at', 'desc')
        .orderBy(binaryOrder(dialect, 'id'), 'desc')
        .limit(q.limit)
        .offset(q.offset)
        .execute();
      return { tasks: rows.map(parse).filter((t): t is Task => t !== null), total: Number(counted.n) };
    },

    /**
     * Tasks left running by a process that stopped: marked `status` with the line said, at open, except
     * those `keep` accepts (left running: the caller follows them further). Returns the ones ended.
     * Read, decided and rewritten in one transaction; oldest first.
     */
    async endRunning(status: Extract<TaskStatus, 'interrupted' | 'failed'>, line: string, keep: (t: Task) => boolean = () => false): Promise<Task[]> {
      const t = now();
      return writeTx(db, dialect, async (tx) => {
        const ended: Task[] = [];
        const rows = await tx.selectFrom('tasks').select(['id', 'json']).where('status', '=', 'running').orderBy('started_at').orderBy(binaryOrder(dialect, 'id')).execute();
        for (const row of rows) {
          const task = parse(row);
          if (!task || keep(task)) continue;
          const done: Task = { ...task, status, endedAt: t, message: line, log: [...task.log, { at: t, line }] };
          await upsert(tx, done);
          ended.push(done);
        }
        return ended;
      });
    },

    async prune({ maxAgeMs }: { maxAgeMs: number }): Promise<number> {
      const r = await db.deleteFrom('tasks').where('started_at', '<', now() - maxAgeMs).where('status', '<>', 'running').executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
