// The pve source's DelnodeControl (facts §1.4 DELETE /cluster/config/nodes/{node} = pvecm delnode): root@pam
// only, so a ticket from root's password over the source's own nodes and trust. Proxmox's order is kept:
// the node must be offline (powered off for good) first. The reply is null, or a task id on newer versions
// (followed). pvecm's refusals are passed on with what they mean.
import type { DelnodeControl, TaskIo } from '../source';
import type { PveClient } from './client';
import { Upid, upidNode } from './ops-schemas';
import { ConfigNode, StatusRow, parseRows } from './schemas';
import { scrubError } from './scrub';
import { RootSession } from './session';
import { followTask, taskFailure, taskSucceeded, type FollowBounds } from './task-follow';
import { PveError, type HttpsTransport } from './transport';

/** pvecm delnode's refusals (facts §2.2) and what to do about each */
const MEANINGS: [RegExp, string][] = [
  [/Cannot delete myself/i, 'Quorate reaches the cluster through this very node; connect it through another member to remove this one'],
  [/not a known host/i, 'the cluster has no node of that name (already removed?)'],
  [/no quorum/i, 'removing a node writes corosync.conf, which is read-only without quorum: bring the missing members back first'],
];

const explain = (name: string, err: unknown): Error => {
  if (!(err instanceof PveError) || err.kind !== 'http') return err instanceof Error ? err : new Error(String(err));
  const hint = MEANINGS.find(([re]) => re.test(err.message))?.[1];
  return new Error(`pvecm delnode ${name} refused: ${err.message}${hint ? ` — ${hint}` : ''}`);
};

export class PveDelnode implements DelnodeControl {
  constructor(private readonly o: { client: PveClient; transport: HttpsTransport; bounds?: Partial<FollowBounds> }) {}

  async delnode(name: string, io: TaskIo, root?: { password: string; otp?: string | undefined }): Promise<void> {
    const secrets = [root?.password, root?.otp];
    try {
      await this.run(name, io, root);
    } catch (err) {
      throw scrubError(explain(name, err), secrets);
    }
  }

  private async run(name: string, io: TaskIo, root?: { password: string; otp?: string | undefined }): Promise<void> {
    if (root === undefined || root.password === '') throw new Error(`removing ${name} needs root@pam's password: DELETE /cluster/config/nodes is root@pam's only, an API token is refused`);
    const config = parseRows(await this.o.client.get('cluster/config/nodes'), ConfigNode, 'cluster/config/nodes').rows;
    if (!config.some((n) => (n.name ?? n.node) === name)) throw new Error(`Node/IP: ${name} is not a known host of the cluster.`);
    const status = parseRows(await this.o.client.get('cluster/status'), StatusRow, 'cluster/status').rows;
    if (status.some((r) => r.type === 'node' && r.name === name && r.online === true))
      throw new Error(`${name} is online: power it off for good first (Proxmox: shut the node down, then pvecm delnode ${name}; never start it again with this configuration)`);
    const session = new RootSession(this.o.transport, root, `the cluster (${this.o.transport.describe})`);
    const c = await session.client();
    if (io.signal.aborted) throw new Error(`removing ${name} was cancelled before it was requested: nothing changed`);
    io.log(`removing ${name} from the cluster configuration (DELETE /cluster/config/nodes/${name} as root@pam)`);
    // the point of no return
    const data = await c.delete(`cluster/config/nodes/${encodeURIComponent(name)}`);
    const upid = Upid.safeParse(data);
    if (!upid.success) {
      io.log(`${name} removed from corosync.conf`);
      return;
    }
    const outcome = await followTask({ session, node: upidNode(upid.data), upid: upid.data, log: io.log, bounds: this.o.bounds, secrets: [root.password, root.otp] });
    if (!taskSucceeded(outcome.exitstatus)) throw new Error(`pvecm delnode ${name} failed: ${taskFailure(outcome)}`);
    io.log(`${name} removed from corosync.conf`);
  }
}
