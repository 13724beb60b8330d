// Long operations as tasks (model tasks.ts): the socket's `task` messages keep the cached copy live
// (live/useClusterLive.ts); GET /api/v1/tasks/:id is the fallback while it runs and after a reconnect.
import type { Task, TaskMessage } from './types';
import { request } from './http';

export function fetchTask(id: string): Promise<Task> {
  return request<Task>(`/api/v1/tasks/${encodeURIComponent(id)}`);
}

/** a `task` message applied to the cached task: its new state, its log with the new lines */
export function applyTaskMessage(old: Task | undefined, msg: TaskMessage): Task {
  const seen = new Set((old?.log ?? []).map((l) => `${l.at}\u0000${l.line}`));
  const lines = msg.lines.filter((l) => !seen.has(`${l.at}\u0000${l.line}`));
  return { ...msg.task, log: [...(old?.log ?? []), ...lines] };
}

export const isRunning = (t: Task | undefined): boolean => t?.status === 'running';
