// At start, tasks a stopped BFF left running: those whose operation can follow them further (a Proxmox join
// by its UPID: task.resume with the source's handle) go on as the same task, logged and audited when they
// end; all others are marked interrupted (tasks/runner.ts). A task that never reached its point of no return
// kept no handle: nothing was changed by it that could be followed, so it is interrupted too.
import type { Task } from '@quorate/model';
import type { Identity } from '../auth/identity';
import type { AppContext } from '../context';
import { isLed } from '../clusters';
import { ledHere } from '../routes/cluster-param';
import { finishTask, type OperationDef } from './guard';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the defs differ in params and plan; only resume is used
type AnyDef = OperationDef<any, any>;

/**
 * Ends what cannot be followed; returns a function that follows the rest (call it once the collectors run).
 * ofCluster: only that cluster's tasks (replicas: when this replica takes the cluster over).
 */
export async function recoverTasks(ctx: AppContext, defs: AnyDef[], ofCluster?: string): Promise<() => void> {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const followable = (t: Task) => {
    const c = ctx.clusters.get(t.clusterId);
    return t.resume?.handle != null && byName.get(t.operation)?.resume !== undefined && c !== undefined && isLed(c);
  };
  const kept = await ctx.tasks.recover(followable, ofCluster);
  return () => {
    for (const t of kept) void follow(ctx, byName.get(t.operation)!, t);
  };
}

async function follow(ctx: AppContext, def: AnyDef, t: Task): Promise<void> {
  const cluster = ledHere(ctx.clusters.get(t.clusterId)!);
  const { role, state, handle } = t.resume!;
  const task = ctx.tasks.adopt(t);
  task.log('the BFF restarted while this task ran: following it further');
  ctx.logger.info({ task: t.id, operation: t.operation, clusterId: t.clusterId }, 'following a task the last stop left running');
  const who: Identity = { kind: t.actor.kind === 'token' ? 'token' : 'user', id: t.actor.id, name: t.actor.name, role: role as Identity['role'] };
  await finishTask(ctx, { operation: def.name, cluster, task, who, params: t.params, summary: () => def.resume!.summary(state) }, (log, signal) =>
    def.resume!.follow(state, handle!, cluster, log, signal),
  );
}
