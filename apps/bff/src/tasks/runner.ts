// Long operations as tasks (model/tasks.ts): each starts at once, its log lines stream to the cluster's
// room (socket `task`) and are kept (store.tasks; saved at most once a second while it runs, and at its
// end). A task left running by a stopped process is marked interrupted at the next start — unless its
// operation can follow it further (task.resume: a Proxmox join by its UPID; operations/resume.ts).
import { randomBytes } from 'node:crypto';
import { SocketEvents, TASK_MAX_LINE_CHARS, TASK_MAX_LINES, type Task, type TaskLogLine, type TaskResume, type TaskStatus } from '@quorate/model';
import type { Store } from '@quorate/store';
import { roomOf, type GatewayServer } from '../gateway';
import type { Logger } from '../logger';

/** while a task runs, its document is written at most this often (every line still streams at once) */
export const TASK_SAVE_MS = 1_000;

export const INTERRUPTED_LINE =
  'interrupted: the BFF stopped while this task ran (restart or crash); what it did on the cluster is not known — check the cluster before running it again';

export interface TaskStart {
  operation: string;
  clusterId: string;
  actor: Task['actor'];
  params: Record<string, unknown>;
}

export class RunningTask {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private cut = false;

  constructor(
    private task: Task,
    private readonly save: (t: Task) => void,
    private readonly publish: (t: Task, lines: TaskLogLine[]) => void,
  ) {}

  get id(): string {
    return this.task.id;
  }

  /** aborted when someone cancels it: an operation that can stop midway listens */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  snapshot(): Task {
    return structuredClone(this.task);
  }

  get running(): boolean {
    return this.task.status === 'running';
  }

  log(text: string): void {
    if (!this.running) return;
    if (this.task.log.length >= TASK_MAX_LINES) {
      if (this.cut) return;
      this.cut = true;
      text = `(log cut: more than ${TASK_MAX_LINES} lines; the rest is not kept)`;
    }
    const line = { at: Date.now(), line: text.length > TASK_MAX_LINE_CHARS ? `${text.slice(0, TASK_MAX_LINE_CHARS)}…` : text };
    this.task.log.push(line);
    this.publish(this.task, [line]);
    this.scheduleSave();
  }

  /** what a restart needs to follow it further (operations/resume.ts); saved at once */
  resumable(resume: TaskResume): void {
    if (!this.running) return;
    this.task = { ...this.task, resume };
    this.save(this.task);
  }

  /** the source's handle past the point of no return (TaskIo.checkpoint); saved at once */
  checkpoint(handle: Record<string, unknown>): void {
    if (!this.running || !this.task.resume) return;
    this.task = { ...this.task, resume: { ...this.task.resume, handle } };
    this.save(this.task);
  }

  /** asks it to stop; whether it did is its end status (cancelled, or ok when it had already finished) */
  cancel(by: string): void {
    if (!this.running || this.controller.signal.aborted) return;
    this.log(`cancel requested by ${by}`);
    this.controller.abort(new Error(`cancelled by ${by}`));
  }

  /**
   * ends it; first (the checkpoint, the audit record) runs with the ended task before anyone can see it
   * ended, so whoever sees the end finds those done
   */
  async end(status: Exclude<TaskStatus, 'running' | 'interrupted'>, message: string, first?: (ended: Task) => Promise<void>): Promise<Task> {
    if (!this.running) return this.snapshot();
    const ended: Task = { ...this.task, status, endedAt: Date.now(), message };
    await first?.(structuredClone(ended));
    if (!this.running) return this.snapshot();
    this.task = ended;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.save(this.task);
    this.publish(this.task, []);
    return this.snapshot();
  }

  private scheduleSave(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) this.save(this.task);
    }, TASK_SAVE_MS);
    this.timer.unref?.();
  }
}

export class TaskRunner {
  private readonly live = new Map<string, RunningTask>();
  /** the saves, one after the other in the order asked (an older copy never lands over a newer one); never rejects */
  private saved: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly io: GatewayServer,
    private readonly logger: Logger,
  ) {}

  /**
   * at start: what a previous process left running is marked interrupted (and logged), except the tasks
   * `canFollow` accepts: those are returned, still running, for the caller to adopt and follow further
   */
  /** ofCluster: only that cluster's (a replica that takes a cluster over ends or follows its former holder's) */
  async recover(canFollow: (t: Task) => boolean = () => false, ofCluster?: string): Promise<Task[]> {
    const kept: Task[] = [];
    for (const t of await this.store.tasks.endRunning('interrupted', INTERRUPTED_LINE, (t) => {
      if (ofCluster !== undefined && t.clusterId !== ofCluster) return true;
      const follow = canFollow(t);
      if (follow) kept.push(t);
      return follow;
    }))
      this.logger.warn({ task: t.id, operation: t.operation, clusterId: t.clusterId }, 'a task was interrupted by the last stop');
    return kept;
  }

  begin(start: TaskStart): RunningTask {
    return this.track({ id: `task_${randomBytes(8).toString('hex')}`, ...start, status: 'running', startedAt: Date.now(), endedAt: null, message: null, log: [] });
  }

  /** a running task a previous process left (recover): live again, its log continued */
  adopt(task: Task): RunningTask {
    return this.track(task);
  }

  private track(task: Task): RunningTask {
    const running = new RunningTask(
      task,
      (t) => this.save(t),
      (t, lines) => {
        const { log: _log, ...rest } = t;
        this.io.to(roomOf(t.clusterId)).emit(SocketEvents.task, { task: rest, lines });
        // the live copy answers until the stored one is the ended one
        if (t.status !== 'running') void this.saved.then(() => this.live.delete(t.id));
      },
    );
    this.live.set(task.id, running);
    this.save(task);
    return running;
  }

  /** the task (the live copy while it runs) */
  async get(id: string): Promise<Task | null> {
    return this.live.get(id)?.snapshot() ?? (await this.store.tasks.get(id));
  }

  running(id: string): RunningTask | undefined {
    return this.live.get(id);
  }

  /** at shutdown: what the running tasks logged so far is kept (the next start marks them interrupted) */
  async flush(): Promise<void> {
    for (const t of this.live.values()) this.save(t.snapshot());
    await this.saved;
  }

  /** resolves when what was saved so far is stored (or failed and logged) */
  settled(): Promise<void> {
    return this.saved;
  }

  private save(t: Task): void {
    // a copy as it is now: the running task goes on changing
    const copy = structuredClone(t);
    this.saved = this.saved.then(async () => {
      try {
        await this.store.tasks.save(copy);
      } catch (err) {
        // the task goes on; its page shows the live copy
        this.logger.error({ err, task: t.id }, 'could not save the task');
      }
    });
  }
}
