// GET /api/v1/tasks?cluster=&status=&operation=&limit=&offset= and /tasks/:id (viewer): long operations
// and their logs. POST /api/v1/tasks/:id/cancel (operator): ask a running one to stop.
import { Router } from 'express';
import { TaskQuery, type TaskPage } from '@quorate/model';
import { requireRole, signedIn } from '../auth/middleware';
import { audit, type AppContext } from '../context';
import { HttpError, badRequest } from '../http-errors';

const TaskId = /^task_[0-9a-f]{16}$/;

export function tasksRouter(ctx: AppContext): Router {
  const router = Router();

  router.get('/tasks', async (req, res) => {
    const q = TaskQuery.safeParse(req.query);
    if (!q.success) throw badRequest('query', q.error);
    const { cluster, status, operation, limit, offset } = q.data;
    const page = await ctx.store.tasks.list({ limit, offset, ...(cluster !== undefined ? { cluster } : {}), ...(status !== undefined ? { status } : {}), ...(operation !== undefined ? { operation } : {}) });
    // a running task's stored copy lags up to a second: show the live one
    const body: TaskPage = { total: page.total, tasks: page.tasks.map((t) => ctx.tasks.running(t.id)?.snapshot() ?? t) };
    res.json(body);
  });

  router.get('/tasks/:id', async (req, res) => {
    const id = String(req.params.id);
    const task = TaskId.test(id) ? await ctx.tasks.get(id) : null;
    if (!task) throw new HttpError(404, `no task '${id.slice(0, 64)}'`);
    res.json(task);
  });

  router.post('/tasks/:id/cancel', requireRole('operator'), async (req, res) => {
    const who = signedIn(req.identity);
    const id = String(req.params.id);
    const running = TaskId.test(id) ? ctx.tasks.running(id) : undefined;
    const task = running?.snapshot() ?? (TaskId.test(id) ? await ctx.tasks.get(id) : null);
    if (!task) throw new HttpError(404, `no task '${id.slice(0, 64)}'`);
    if (!running) {
      await audit(ctx, who, { operation: 'task-cancel', clusterId: task.clusterId, params: { task: id }, result: 'refused', message: `task ${id} has ended (${task.status})` });
      throw new HttpError(409, `task ${id} has ended (${task.status}): nothing to cancel`);
    }
    running.cancel(who.name);
    await audit(ctx, who, { operation: 'task-cancel', clusterId: task.clusterId, params: { task: id }, confirmed: true, result: 'ok', message: `cancel of ${task.operation} (${id}) requested` });
    res.status(202).json({ ok: true, task: running.snapshot() });
  });

  return router;
}
