// One join on the JOINING node (facts §1.4 POST /cluster/config/join, §1.5): log in there as root@pam, POST
// the member's address, certificate and root password with the joiner's link addresses, then follow the
// task (task-follow.ts) to its end. io.signal counts only until the POST: after it the cluster has the node.
import type { JoinInput, TaskIo } from '../source';
import { joinHandle } from './join-resume';
import { Upid, upidNode } from './ops-schemas';
import { scrubError } from './scrub';
import type { RootSession } from './session';
import { followTask, taskFailure, taskSucceeded, type FollowBounds } from './task-follow';

/** the member the joining node talks to */
export interface JoinTarget {
  /** its API address (pve_addr) */
  hostname: string;
  /** its API certificate (pve_fp) */
  fingerprint: string;
  /** its root@pam password */
  password: string;
}

export interface JoinRun {
  /** root@pam on the joining node */
  session: RootSession;
  /** the joining node's name (as it calls itself) */
  name: string;
  target: JoinTarget;
  request: Pick<JoinInput, 'addresses' | 'nodeid' | 'votes'>;
  io: TaskIo;
  /** the certificate the cluster lists for the joining node (re-pinning after its certificate changed) */
  listedFingerprint: () => Promise<string | null>;
  bounds?: Partial<FollowBounds>;
  secrets: readonly (string | undefined)[];
}

const aborted = (name: string) => new Error(`the join of ${name} was cancelled before it was requested: nothing changed`);

/** the POST's form: PVE's parameter names; link addresses as the bare IP ("[address=]<IP>") */
export function joinForm(r: JoinRun): Record<string, string> {
  const form: Record<string, string> = { hostname: r.target.hostname, fingerprint: r.target.fingerprint, password: r.target.password };
  for (const a of r.request.addresses ?? []) form[`link${a.link}`] = a.address;
  if (r.request.nodeid !== undefined) form.nodeid = String(r.request.nodeid);
  if (r.request.votes !== undefined) form.votes = String(r.request.votes);
  return form;
}

export async function runJoin(r: JoinRun): Promise<void> {
  if (r.io.signal.aborted) throw aborted(r.name);
  let upid: string;
  try {
    const c = await r.session.client();
    if (r.io.signal.aborted) throw aborted(r.name);
    r.io.log(`${r.name}: requesting the join through ${r.target.hostname} (POST /cluster/config/join as root@pam)`);
    // the point of no return: from here on the member may already have the node in corosync.conf
    const reply = Upid.safeParse(await c.post('cluster/config/join', joinForm(r)));
    if (!reply.success) throw new Error(`${r.name}: POST /cluster/config/join did not answer with a task id: the join may or may not have started; check ${r.name}'s task list`);
    upid = reply.data;
  } catch (err) {
    throw scrubError(err, r.secrets);
  }
  r.io.log(`${r.name}: task ${upid}`);
  // a restarted BFF follows this task further (join-resume.ts) instead of calling the join interrupted
  r.io.checkpoint?.(joinHandle(r.name, upid));
  const outcome = await followTask({ session: r.session, node: upidNode(upid), upid, log: r.io.log, listedFingerprint: r.listedFingerprint, bounds: r.bounds, secrets: r.secrets }).catch((err: unknown) => {
    throw scrubError(err, r.secrets);
  });
  if (!taskSucceeded(outcome.exitstatus)) throw new Error(`the join of ${r.name} failed: ${taskFailure(outcome)}`);
}
