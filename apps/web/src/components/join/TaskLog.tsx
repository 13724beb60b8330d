// A task followed live (the socket's `task` messages update its cached copy; GET /tasks/:id backs them up
// while it runs and after a reload): its state in words, the whole log, the latest line announced politely.
// A failed task names the step it failed at (its last line before the failure) and keeps the log visible.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../api/keys';
import { fetchTask, isRunning } from '../../api/tasks';
import type { Task } from '../../api/types';
import { formatDateTime, plural } from '../../lib/format';
import { ErrorBox } from '../form';
import { Icon } from '../Icon';

/** how often a running task is asked for when the socket is quiet */
export const TASK_POLL_MS = 1_000;

export function useFollowedTask(id: string | undefined, initial?: Task) {
  return useQuery({
    queryKey: queryKeys.task(id ?? ''),
    queryFn: () => fetchTask(id ?? ''),
    enabled: id !== undefined,
    ...(initial && initial.id === id ? { initialData: initial } : {}),
    refetchInterval: (query) => (isRunning(query.state.data) ? TASK_POLL_MS : false),
    staleTime: (query) => (isRunning(query.state.data) ? 0 : Infinity),
  });
}

/**
 * A wizard page's task: the one its URL names, shown from the 202 answer (accept) until the first poll comes
 * back, then followed live.
 */
export function usePageTask(id: string | undefined) {
  const [accepted, accept] = useState<Task | undefined>(undefined);
  const followed = useFollowedTask(id, accepted);
  const task = followed.data ?? (accepted?.id === id ? accepted : undefined);
  return { task, error: followed.error, accept };
}

const WORD: Record<Task['status'], string> = { running: 'Running', ok: 'Done', failed: 'Failed', cancelled: 'Cancelled', interrupted: 'Interrupted' };
const ENDING = /^(failed|cancelled):/;

/** the step a task was at when it stopped: its last line that is not the failure itself */
export function failedStep(t: Task): string | null {
  if (t.status === 'ok' || t.status === 'running') return null;
  const lines = t.log.map((l) => l.line).filter((l) => !ENDING.test(l));
  return lines.at(-1) ?? null;
}

/** the task's final "verified: …" line, if it proved the result */
export function verifiedLine(t: Task): string | null {
  return [...t.log].reverse().find((l) => l.line.startsWith('verified:'))?.line ?? null;
}

export function TaskLog({ task, error, title, testId = 'task' }: { task: Task | undefined; error?: unknown; title: string; testId?: string }) {
  if (!task) return error ? <ErrorBox error={error} testId={`${testId}-error`} /> : <p className="text-sm">Starting…</p>;
  const running = task.status === 'running';
  const step = failedStep(task);
  const latest = task.log.at(-1)?.line ?? '';
  return (
    <section aria-label={title} data-testid={testId} data-result={task.status}>
      <p
        className={`flex items-center gap-1.5 text-lg font-bold ${running ? '' : task.status === 'ok' ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}`}
        data-testid={`${testId}-status`}
      >
        {!running && <Icon name={task.status === 'ok' ? 'ok' : 'bad'} className="size-5" />}
        {running ? `${title}: running…` : `${title}: ${WORD[task.status]}`}
      </p>
      {step !== null && (
        <p className="mt-1 text-sm font-semibold text-red-800 dark:text-red-300" data-testid={`${testId}-failed-step`}>
          It stopped at: “{step}”. {task.message}
        </p>
      )}
      <p className="text-sm text-slate-600 dark:text-slate-400">
        task {task.id} · started {formatDateTime(task.startedAt)}
        {task.endedAt !== null && <> · finished {formatDateTime(task.endedAt)}</>}
      </p>
      <p className="sr-only" aria-live="polite" data-testid={`${testId}-latest`}>
        {latest}
      </p>
      <h3 className="mt-2 text-sm font-semibold">Task log ({plural(task.log.length, 'line')})</h3>
      <pre className="mt-1 max-h-80 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-950 p-2 text-xs text-slate-100" data-testid={`${testId}-log`}>
        {task.log.map((l) => l.line).join('\n')}
      </pre>
    </section>
  );
}
