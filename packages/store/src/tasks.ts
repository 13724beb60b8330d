// Long operations (model/tasks.ts), kept so a page opened later, or after a restart, can show them. A
// task still running when the process stopped is marked interrupted at the next open.
import { Task, TaskQuery, type TaskStatus } from '@quorate/model';
import type { z } from 'zod';
import type { Db } from './db';
import { parseJson } from './corrupt';
import type { CorruptReporter } from './corrupt';

export type TaskStore = ReturnType<typeof createTaskStore>;
export type TaskListQuery = Partial<Pick<z.infer<typeof TaskQuery>, 'cluster' | 'status' | 'operation'>> & { limit: number; offset: number };

export function createTaskStore(db: Db, now: () => number, reportCorrupt: CorruptReporter) {
  const upsert = db.prepare(`INSERT INTO tasks (id, cluster_id, operation, status, started_at, json) VALUES (@id, @clusterId, @operation, @status, @startedAt, @json)
    ON CONFLICT (id) DO UPDATE SET status = excluded.status, json = excluded.json`);
  const one = db.prepare('SELECT id, json FROM tasks WHERE id = ?');
  const running = db.prepare("SELECT id, json FROM tasks WHERE status = 'running'");
  const pruneOld = db.prepare("DELETE FROM tasks WHERE started_at < ? AND status <> 'running'");

  const parse = (row: { id: string; json: string }): Task | null => {
    const json = parseJson(row.json);
    const r = json.ok ? Task.safeParse(json.value) : null;
    if (!r?.success) {
      reportCorrupt({ table: 'tasks', key: row.id, problem: json.ok ? (r?.error.issues.map((i) => i.message).join('; ') ?? '') : json.problem });
      return null;
    }
    return r.data;
  };

  return {
    save(task: Task): void {
      upsert.run({ id: task.id, clusterId: task.clusterId, operation: task.operation, status: task.status, startedAt: task.startedAt, json: JSON.stringify(task) });
    },

    get(id: string): Task | null {
      const row = one.get(id) as { id: string; json: string } | undefined;
      return row ? parse(row) : null;
    },

    /** newest first */
    list(q: TaskListQuery): { tasks: Task[]; total: number } {
      const filters: [string, string | undefined][] = [
        ['cluster_id = ?', q.cluster],
        ['status = ?', q.status],
        ['operation = ?', q.operation],
      ];
      const used = filters.filter((f): f is [string, string] => f[1] !== undefined);
      const where = used.map(([sql]) => sql);
      const args = used.map(([, v]) => v);
      const w = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      const total = (db.prepare(`SELECT count(*) AS n FROM tasks ${w}`).get(...args) as { n: number }).n;
      const rows = db.prepare(`SELECT id, json FROM tasks ${w} ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`).all(...args, q.limit, q.offset) as { id: string; json: string }[];
      return { tasks: rows.map(parse).filter((t): t is Task => t !== null), total };
    },

    /**
     * Tasks left running by a process that stopped: marked `status` with the line said, at open, except
     * those `keep` accepts (left running: the caller follows them further). Returns the ones ended.
     */
    endRunning(status: Extract<TaskStatus, 'interrupted' | 'failed'>, line: string, keep: (t: Task) => boolean = () => false): Task[] {
      const t = now();
      const ended: Task[] = [];
      db.transaction(() => {
        for (const row of running.all() as { id: string; json: string }[]) {
          const task = parse(row);
          if (!task || keep(task)) continue;
          const done: Task = { ...task, status, endedAt: t, message: line, log: [...task.log, { at: t, line }] };
          upsert.run({ id: done.id, clusterId: done.clusterId, operation: done.operation, status: done.status, startedAt: done.startedAt, json: JSON.stringify(done) });
          ended.push(done);
        }
      }).immediate();
      return ended;
    },

    prune({ maxAgeMs }: { maxAgeMs: number }): number {
      return pruneOld.run(now() - maxAgeMs).changes;
    },
  };
}
