// One model for every long operation (expected votes now; join, create, QDevice setup next): it runs in
// the background, its log lines stream to the page (socket `task`), and it is kept (GET /api/v1/tasks).
import { z } from 'zod';
import { ClusterIdParam } from './operations';

/** interrupted: the BFF stopped while it ran; what it did on the cluster is not known (look there) */
export const TaskStatus = z.enum(['running', 'ok', 'failed', 'cancelled', 'interrupted']);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** a task's log is bounded: lines beyond these are cut (the cut is said in the log) */
export const TASK_MAX_LINES = 2_000;
export const TASK_MAX_LINE_CHARS = 4_096;

export const TaskLogLine = z.object({ at: z.number(), line: z.string() });
export type TaskLogLine = z.infer<typeof TaskLogLine>;

export const TaskActor = z.object({ kind: z.enum(['user', 'token', 'system']), id: z.string(), name: z.string() });

/**
 * What a restarted BFF needs to follow a task further instead of calling it interrupted (never secrets):
 * the operation's own state (the node, the planned quorum), the caller's role for the audit, and — once the
 * change is past its point of no return — the source's handle on it (a Proxmox task: node and UPID).
 */
export const TaskResume = z.object({
  role: z.string(),
  state: z.record(z.string(), z.unknown()),
  handle: z.record(z.string(), z.unknown()).nullable(),
});
export type TaskResume = z.infer<typeof TaskResume>;

export const Task = z.object({
  id: z.string(),
  /** the operation's name: 'expected-votes', 'join', ... */
  operation: z.string(),
  clusterId: z.string(),
  status: TaskStatus,
  startedAt: z.number(),
  /** null while running */
  endedAt: z.number().nullable(),
  actor: TaskActor,
  /** what it was asked (never secrets) */
  params: z.record(z.string(), z.unknown()),
  /** the outcome in one line ("expected votes set to 4", or why it failed); null while running */
  message: z.string().nullable(),
  log: z.array(TaskLogLine),
  /** set by operations a restart can follow further (a Proxmox join, by its UPID) */
  resume: TaskResume.optional(),
});
export type Task = z.infer<typeof Task>;

/** 202 of an operation: it was accepted and runs as this task (follow it: socket `task`, GET /api/v1/tasks/:id) */
export const TaskAccepted = z.object({ ok: z.literal(true), task: Task });
export type TaskAccepted = z.infer<typeof TaskAccepted>;

/** socket `task` (to the cluster's room): new log lines, and the task's state after them (its end when ended) */
export const TaskMessage = z.object({ task: Task.omit({ log: true }), lines: z.array(TaskLogLine) });
export type TaskMessage = z.infer<typeof TaskMessage>;

/** GET /api/v1/tasks?cluster=&status=&operation=&limit=&offset= (newest first) */
export const TaskQuery = z
  .object({
    cluster: ClusterIdParam.optional(),
    status: TaskStatus.optional(),
    operation: z.string().min(1).max(128).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type TaskQuery = z.infer<typeof TaskQuery>;
export const TaskPage = z.object({ tasks: z.array(Task), total: z.number().int() });
export type TaskPage = z.infer<typeof TaskPage>;
