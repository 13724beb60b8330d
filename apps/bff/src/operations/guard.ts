// The one guard every cluster operation goes through (expected votes, join, create, delnode):
//   role (operator+) -> cluster -> valid params -> confirmed -> observed -> one at a time ->
//   quorate (or the operation's recovery path) -> what corosync would refuse -> cluster name typed
//   -> 202 and run as a task in the background (tasks/runner.ts) -> audit when it ends.
// Every refusal is audited as well, with the reason the caller got. A dry run stops before running
// and answers with the plan (what would happen, the risk); it is audited too.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { hasRole, type ClusterSnapshot, type Role, type TaskAccepted } from '@quorate/model';
import { markAudited } from '../audit/attempts';
import { signedIn } from '../auth/middleware';
import type { Identity } from '../auth/identity';
import type { LedCluster } from '../clusters';
import { audit, type AppContext } from '../context';
import { HttpError, badRequest, issuesOf } from '../http-errors';
import { clusterOf } from '../routes/cluster-param';
import type { RunningTask } from '../tasks/runner';

/** what every operation request carries besides its own parameters */
export interface GuardedParams {
  confirm?: boolean | undefined;
  dryRun?: boolean | undefined;
  clusterName?: string | undefined;
}

export interface OperationPlan {
  /** refused by the cluster (corosync's own refusal text): 409 */
  refusal: string | null;
  /** allowed while the cluster is not quorate (and then needs the cluster name typed) */
  recovery: boolean;
  needsClusterName: boolean;
}

export interface OperationDef<P extends GuardedParams, Plan extends OperationPlan> {
  /** audit and task name, e.g. 'expected-votes' */
  name: string;
  role: Role;
  params: z.ZodType<P>;
  /** what goes into the audit record: never secrets */
  auditParams(p: P): Record<string, unknown>;
  /** null when the cluster's source can run it; else why not (501) */
  unsupported(cluster: LedCluster): string | null;
  /** what would happen on this snapshot (may measure first: a join probes); may refuse */
  plan(p: P, cluster: LedCluster, snapshot: ClusterSnapshot): Plan | Promise<Plan>;
  /** false: runs without quorum (create: there is no cluster yet). Default true */
  needsQuorum?: boolean;
  /** a dry run answers with the plan even when a real run would be refused (the pre-flight shows why) */
  dryRunAlwaysAnswers?: boolean;
  /**
   * do it; log() lines become the task log. Throwing fails the task (audited as failed); when signal
   * was aborted (cancel) and it throws, the task is cancelled.
   */
  run(p: P, cluster: LedCluster, log: (line: string) => void, signal: AbortSignal, plan: Plan, checkpoint: (handle: Record<string, unknown>) => void): Promise<void> | void;
  /** a line for the audit trail once it ran */
  summary(p: P): string;
  /** a restart follows the task further once the source checkpointed it (operations/resume.ts) */
  resume?: ResumeDef<P, Plan>;
}

export interface ResumeDef<P, Plan> {
  /** kept with the task from its start (never secrets): what follow() and summary() need */
  state(p: P, plan: Plan): Record<string, unknown>;
  /** the rest of the run after a restart, from the kept state and the source's handle */
  follow(state: Record<string, unknown>, handle: Record<string, unknown>, cluster: LedCluster, log: (line: string) => void, signal: AbortSignal): Promise<void>;
  summary(state: Record<string, unknown>): string;
}

export async function guarded<P extends GuardedParams, Plan extends OperationPlan>(
  ctx: AppContext,
  def: OperationDef<P, Plan>,
  req: Request,
  res: Response,
): Promise<void> {
  const who: Identity = signedIn(req.identity);
  let clusterId: string | null = null;
  let params: Record<string, unknown> = {};
  const refuse = async (status: number, message: string, issues?: { path: string; message: string }[]): Promise<never> => {
    await audit(ctx, who, { operation: def.name, clusterId, params, confirmed: false, result: 'refused', message });
    throw new HttpError(status, message, issues);
  };

  if (!hasRole(who.role, def.role)) await refuse(403, `needs role ${def.role}`);
  let cluster: LedCluster;
  try {
    cluster = clusterOf(req, ctx.clusters);
  } catch (err) {
    if (err instanceof HttpError) await refuse(err.status, err.message, err.issues);
    throw err;
  }
  clusterId = cluster.config.id;

  const parsed = def.params.safeParse(req.body);
  if (!parsed.success) {
    params = { issues: issuesOf(parsed.error) };
    const err = badRequest(def.name, parsed.error);
    await refuse(400, err.message, err.issues);
  }
  const p = parsed.data as P;
  params = def.auditParams(p);
  const dryRun = p.dryRun === true;
  if (!dryRun && p.confirm !== true)
    await refuse(400, 'confirm: this operation changes the cluster: send confirm: true to run it', [{ path: 'confirm', message: 'must be true' }]);

  const why = def.unsupported(cluster);
  if (why) await refuse(501, why);
  const snapshot = cluster.collector.current()?.snapshot;
  if (!snapshot) await refuse(503, `cluster '${clusterId}' has not been observed yet: nothing to act on`);
  if (ctx.busy.has(clusterId)) await refuse(409, `another operation is running on cluster '${clusterId}': try again when it has finished`);

  let plan: Plan;
  try {
    plan = await def.plan(p, cluster, snapshot!);
  } catch (err) {
    if (err instanceof HttpError) await refuse(err.status, err.message, err.issues);
    throw err;
  }
  if (dryRun && def.dryRunAlwaysAnswers) {
    await audit(ctx, who, { operation: def.name, clusterId, params, confirmed: false, result: 'ok', message: `dry run only (nothing changed): the plan was shown${plan.refusal ? ` — a run would be refused: ${plan.refusal}` : ''}` });
    res.json({ ok: true, dryRun: true, plan });
    return;
  }
  const quorate = snapshot!.quorum?.quorate === true;
  if (!quorate && !plan.recovery && def.needsQuorum !== false)
    await refuse(409, `cluster '${clusterId}' is not quorate: ${def.name} is refused until quorum is back (a change now could split the cluster)`);
  if (plan.refusal) await refuse(409, plan.refusal);
  if (dryRun) {
    await audit(ctx, who, { operation: def.name, clusterId, params, confirmed: false, result: 'ok', message: `dry run only (nothing changed)${plan.refusal ? '' : ': the plan was shown'}` });
    res.json({ ok: true, dryRun: true, plan });
    return;
  }
  const name = snapshot!.cluster.name;
  if (plan.needsClusterName && p.clusterName !== name)
    await refuse(400, `type the cluster name '${name}' to confirm`, [{ path: 'clusterName', message: `type the cluster name '${name}' to confirm` }]);

  const task = ctx.tasks.begin({ operation: def.name, clusterId, actor: { kind: who.kind, id: who.id, name: who.name }, params });
  task.log(`${who.kind === 'user' ? 'user' : 'token'} ${who.name} (${who.role}) runs ${def.name} on cluster '${clusterId}'${plan.recovery ? ' — recovery path: the cluster is not quorate' : ''}`);
  // the outcome is audited when the task ends (below), not with this response
  markAudited();
  const body: TaskAccepted = { ok: true, task: task.snapshot() };
  res.status(202).json(body);

  if (def.resume) task.resumable({ role: who.role, state: def.resume.state(p, plan!), handle: null });
  await finishTask(ctx, { operation: def.name, cluster, task, who, params, summary: () => def.summary(p) }, (log, signal) =>
    def.run(p, cluster, log, signal, plan!, (handle) => task.checkpoint(handle)),
  );
}

/**
 * Run a task's body (a new run, or one followed further after a restart), then end it: ok, failed or
 * cancelled; the cluster's checkpoint saved; the outcome audited with the task's log.
 */
export async function finishTask(
  ctx: AppContext,
  t: { operation: string; cluster: LedCluster; task: RunningTask; who: Identity; params: Record<string, unknown>; summary: () => string },
  body: (log: (line: string) => void, signal: AbortSignal) => Promise<void> | void,
): Promise<void> {
  const { cluster, task } = t;
  const id = cluster.config.id;
  ctx.busy.add(id);
  let failure: string | null = null;
  try {
    await body((line) => task.log(line), task.signal);
  } catch (err) {
    failure = (err as Error).message;
  } finally {
    ctx.busy.delete(id);
  }
  const cancelled = failure !== null && task.signal.aborted;
  if (failure !== null) task.log(`${cancelled ? 'cancelled' : 'failed'}: ${failure}`);
  const status = failure === null ? 'ok' : cancelled ? 'cancelled' : 'failed';
  await task.end(status, failure === null ? t.summary() : cancelled ? `cancelled: ${failure}` : `failed: ${failure}`, async (ended) => {
    // whatever the outcome, the cluster's state now is what a restart must resume from
    await cluster.checkpoint.saveNow();
    await audit(ctx, t.who, {
      operation: t.operation,
      clusterId: id,
      params: { ...t.params, task: ended.id },
      confirmed: true,
      result: ended.status === 'ok' ? 'ok' : 'failed',
      message: ended.message ?? ended.status,
      taskLog: ended.log.map((l) => l.line),
    });
  });
}
