// The pve source's CreateControl (facts §1.4 POST /cluster/config): a cluster from standalone nodes, each
// reached by its own API as root@pam (CreateControl input nodes[i].joiner). Every node is logged in to and
// checked standalone BEFORE anything changes; then POST /cluster/config on the first (its task followed),
// then each further node joins it (join-run.ts) with the first node's address, certificate and password.
import { NODE_NAME, type LinkAddress } from '@quorate/model';
import type { CreateControl, JoinCandidate, JoinerAccess, TaskIo } from '../source';
import { listedFingerprint, preferredMember, readJoinInfo } from './join-info';
import { joinerSession } from './join';
import { runJoin } from './join-run';
import { Upid, upidNode } from './ops-schemas';
import { StatusRow, parseRows } from './schemas';
import { scrubError } from './scrub';
import type { RootSession } from './session';
import { followTask, taskFailure, taskSucceeded, type FollowBounds } from './task-follow';

/** pvecm's limit on a cluster name (clustername: format pve-node, maxLength 15) */
export const CLUSTER_NAME_MAX = 15;

type CreateNode = { name: string; addresses?: LinkAddress[] | undefined; joiner?: JoinerAccess | undefined };

/** a TaskIo whose signal never fires: past the point of no return the joins run to their end */
const committed = (io: TaskIo): TaskIo => ({ log: io.log, signal: new AbortController().signal });

/** the node's own name, and the cluster it is already in (null: standalone) */
async function standalone(session: RootSession): Promise<{ self: string | null; cluster: string | null }> {
  const rows = parseRows(await (await session.client()).get('cluster/status'), StatusRow, 'cluster/status').rows;
  const head = rows.find((r) => r.type === 'cluster');
  return { self: rows.find((r) => r.type === 'node' && r.local === true)?.name ?? null, cluster: head?.name ?? null };
}

export class PveCreate implements CreateControl {
  constructor(private readonly o: { bounds?: Partial<FollowBounds>; timeoutMs?: number } = {}) {}

  async candidates(): Promise<JoinCandidate[]> {
    return [];
  }

  async create(input: { clusterName: string; nodes: CreateNode[] }, io: TaskIo): Promise<void> {
    const secrets = input.nodes.flatMap((n) => [n.joiner?.password, n.joiner?.otp]);
    try {
      await this.run(input, io, secrets);
    } catch (err) {
      throw scrubError(err, secrets);
    }
  }

  private async run(input: { clusterName: string; nodes: CreateNode[] }, io: TaskIo, secrets: (string | undefined)[]): Promise<void> {
    const { clusterName, nodes } = input;
    if (clusterName.length > CLUSTER_NAME_MAX || !NODE_NAME.test(clusterName)) throw new Error(`cluster name “${clusterName}”: letters, digits and inner hyphens, at most ${CLUSTER_NAME_MAX} characters`);
    if (nodes.length === 0) throw new Error('a cluster needs a first node');
    if (new Set(nodes.map((n) => n.name)).size !== nodes.length) throw new Error('a node is named twice');
    // every node reachable, itself and standalone before the first one changes
    const sessions: RootSession[] = [];
    for (const n of nodes) {
      const s = await joinerSession(n, this.o.timeoutMs);
      if ('why' in s) throw new Error(`cannot create: ${s.why}`);
      const st = await standalone(s.session);
      if (st.self !== null && st.self !== n.name) throw new Error(`${n.joiner!.url} is node ${st.self}, not ${n.name}: nothing was changed`);
      if (st.cluster !== null) throw new Error(`${n.name} is already in cluster ${st.cluster} — “cluster config '/etc/pve/corosync.conf' already exists”: nothing was changed`);
      sessions.push(s.session);
    }
    const [first, ...others] = nodes as [CreateNode, ...CreateNode[]];
    const head = sessions[0]!;
    if (io.signal.aborted) throw new Error('the create was cancelled before it was requested: nothing changed');
    const form: Record<string, string> = { clustername: clusterName };
    for (const a of first.addresses ?? []) form[`link${a.link}`] = a.address;
    io.log(`${first.name}: creating cluster ${clusterName} (POST /cluster/config as root@pam)`);
    // the point of no return: the first node writes its corosync.conf
    const reply = Upid.safeParse(await (await head.client()).post('cluster/config', form));
    if (!reply.success) throw new Error(`${first.name}: POST /cluster/config did not answer with a task id: check ${first.name}'s task list`);
    const created = await followTask({ session: head, node: upidNode(reply.data), upid: reply.data, log: io.log, bounds: this.o.bounds, secrets });
    if (!taskSucceeded(created.exitstatus)) throw new Error(`creating cluster ${clusterName} on ${first.name} failed: ${taskFailure(created)}`);
    io.log(`cluster ${clusterName} created on ${first.name}`);
    for (const [i, n] of others.entries()) {
      const member = preferredMember(await readJoinInfo(await head.client()));
      await runJoin({
        session: sessions[i + 1]!,
        name: n.name,
        target: { hostname: member.pve_addr, fingerprint: member.pve_fp, password: first.joiner!.password },
        request: { addresses: n.addresses },
        io: committed(io),
        listedFingerprint: async () => listedFingerprint(await head.client(), n.name),
        bounds: this.o.bounds,
        secrets,
      });
      io.log(`${n.name} joined cluster ${clusterName}`);
    }
  }
}
