// After a BFF restart, a join that was past its point of no return is followed further through its UPID
// instead of being called interrupted. root@pam's passwords were for the call only, so the task is read with
// the source's own API token through the cluster: once the joining node is a member, the cluster proxies
// /nodes/{node}/tasks/{upid} to it (the token needs Sys.Audit on /nodes, as PVEAuditor has). Until then the
// calls fail and the follower's bounds (task-follow.ts) decide; a task that cannot be read is said, and the
// BFF's verification of the membership is the proof either way.
import { z } from 'zod';
import type { TaskIo } from '../source';
import type { PveClient } from './client';
import { Upid, upidNode } from './ops-schemas';
import { followTask, taskFailure, taskSucceeded, type FollowBounds } from './task-follow';

export const JoinHandle = z.object({ kind: z.literal('pve-join'), node: z.string().min(1).max(64), upid: Upid }).strict();
export type JoinHandle = z.infer<typeof JoinHandle>;

export const joinHandle = (node: string, upid: string): JoinHandle => ({ kind: 'pve-join', node, upid });

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function resumeJoin(client: PveClient, raw: Record<string, unknown>, io: TaskIo, bounds?: Partial<FollowBounds>): Promise<void> {
  const h = JoinHandle.safeParse(raw);
  if (!h.success) throw new Error('the task kept no Proxmox task id that could be followed: check the cluster');
  const { node, upid } = h.data;
  io.log(`${node}: following ${upid} again, through the cluster with Quorate's API token`);
  const token = { client: async () => client, dropTicket: () => undefined, repin: () => undefined, where: 'the cluster' };
  let outcome;
  try {
    outcome = await followTask({ session: token, node: upidNode(upid), upid, log: io.log, bounds, secrets: [] });
  } catch (err) {
    // not readable (the node not a member yet, a token without Sys.Audit): the membership decides
    io.log(`${node}: the task could not be read through the cluster (${messageOf(err)}); its result is judged by the cluster's membership`);
    return;
  }
  if (!taskSucceeded(outcome.exitstatus)) throw new Error(`the join of ${node} failed: ${taskFailure(outcome)}`);
  io.log(`${node}: task ${upid} ended ${outcome.exitstatus}`);
}
