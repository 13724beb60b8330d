// The lab's join, create, delnode, qdevice and links as source capabilities (the BFF hands them to the lab source: see
// packages/sources lab/operations.ts). The join pre-flight's facts are measured for real in the namespaces:
// the name and addresses looked up with getent through each member's own hosts file, reachability and
// Corosync's UDP port probed from every running member, the spare's files and Corosync read. Only the
// clock offset is the lab's fake (`lab skew`), as the README says: namespaces share the host's clock.
import { joinAddresses, JoinFacts, nextNodeId, membersOf, type ClusterSnapshot, type LinkAddress, type Probe } from '@quorate/model';
import { parseIpAddr, type JoinCandidate, type JoinInput, type LabOperations, type LabOperationsContext, type LabOperationsFactory, type TaskIo } from '@quorate/sources';
import { Lab, LabError, type NodeFacts } from './lab';
import { COROSYNC_PORT } from './probe';
import type { LabNodeEx as LabNode } from './state';

/** getent in a member's namespace: one lookup must not hold the pre-flight up */
const LOOKUP_TIMEOUT_MS = 3_000;

const addressesOf = (node: LabNode): LinkAddress[] => node.addresses.map((address, link) => ({ link, address }));

function aborted(io: TaskIo, what: string): void {
  if (io.signal.aborted) throw new LabError(`${what} cancelled before anything changed`);
}

/** what each member's hosts file says the name is (IPv4), and what name each address gives back */
async function lookups(lab: Lab, on: LabNode[], name: string, addresses: string[]) {
  const resolvesTo = await Promise.all(
    on.map(async (m) => {
      const r = await lab.runner(m.name).run('getent', ['ahostsv4', name], { timeoutMs: LOOKUP_TIMEOUT_MS });
      const found = r.code === 0 ? r.stdout.split('\n').map((l) => l.split(/\s+/)[0]!).filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)) : [];
      return { on: m.name, addresses: [...new Set(found)] };
    }),
  );
  const reverse = await Promise.all(
    on.flatMap((m) =>
      addresses.map(async (address) => {
        const r = await lab.runner(m.name).run('getent', ['hosts', address], { timeoutMs: LOOKUP_TIMEOUT_MS });
        return { on: m.name, address, name: r.code === 0 ? (r.stdout.trim().split(/\s+/)[1] ?? null) : null };
      }),
    ),
  );
  return { resolvesTo, reverse };
}

/**
 * From every running member to each address the join would use. One address at a time per member would
 * be slow; one listener per address at a time is a must (the UDP test binds Corosync's port there), so
 * addresses run side by side and the members one after another for each.
 */
async function probes(lab: Lab, from: LabNode[], targets: LinkAddress[]): Promise<Probe[]> {
  const perTarget = await Promise.all(
    targets.map(async ({ link, address }) => {
      const out: Probe[] = [];
      for (const m of from) {
        const p = await lab.probe(m.name, address);
        out.push({ from: m.name, link, address, reachable: p.reachable, udp: p.reachable ? p.udp : null, latencyMs: p.latencyMs, lossPct: p.reachable ? p.lossPct : null });
      }
      return out;
    }),
  );
  return perTarget.flat();
}

function clusterFacts(snapshot: ClusterSnapshot, lab: Lab, versions: Map<string, string | null>): JoinFacts['cluster'] {
  const members = membersOf(snapshot, (name) => ({ corosync: versions.get(name) ?? null, pve: null }));
  const links = lab.state.nodes[0]?.addresses.length ?? lab.state.links;
  return {
    name: snapshot.cluster.name,
    quorate: snapshot.quorum?.quorate ?? false,
    members,
    links: Array.from({ length: links }, (_, l) => l),
    qdevice: snapshot.qdevice !== null,
    options: snapshot.cluster.quorumOptions,
  };
}

function joinerFacts(input: JoinInput, node: LabNode | undefined, facts: NodeFacts | null): Omit<JoinFacts['joiner'], 'resolvesTo' | 'reverse'> {
  const none = { unmeasured: `no lab node is named ${input.name}: nothing to read on it` };
  return {
    name: input.name,
    nodeid: input.nodeid ?? null,
    votes: input.votes ?? 1,
    addresses: input.addresses ?? [],
    localAddresses: facts?.localAddresses ?? none,
    clustered: facts ? { corosyncConf: facts.corosyncConf, authkey: facts.authkey, corosyncRunning: facts.corosyncRunning, clusterName: facts.clusterName ?? node?.ownCluster?.name ?? null } : none,
    // lab nodes run no guests (they are Corosync in a namespace, not Proxmox hosts)
    guests: facts ? 0 : none,
    clockOffsetMs: facts?.clockOffsetMs ?? none,
    corosyncVersion: facts?.corosyncVersion ?? none,
    pveVersion: null,
  };
}

export async function labJoinFacts(prefix: string, ctx: LabOperationsContext, input: JoinInput): Promise<JoinFacts> {
  const snapshot = ctx.current();
  if (!snapshot) throw new LabError(`lab '${prefix}' has not been read yet: wait for the dashboard to show it, then check again`);
  const lab = await Lab.open(prefix);
  const node = lab.allNodes().find((n) => n.name === input.name);
  const running = lab.state.nodes.filter((m) => snapshot.nodes.some((n) => n.name === m.name && n.state === 'online'));
  const [facts, ...memberFacts] = await Promise.all([node ? lab.nodeFacts(node.name) : Promise.resolve(null), ...lab.state.nodes.map((m) => lab.nodeFacts(m.name))]);
  const versions = new Map(memberFacts.map((f) => [f!.name, f!.corosyncVersion]));
  const cluster = clusterFacts(snapshot, lab, versions);
  const joiner = joinerFacts(input, node, facts ?? null);
  const own = node ? addressesOf(node).map((a) => a.address) : [];
  const names = await lookups(lab, running, input.name, input.addresses?.map((a) => a.address) ?? own);
  const base: JoinFacts = { cluster, joiner: { ...joiner, ...names }, probes: [], port: COROSYNC_PORT };
  const targets = joinAddresses(JoinFacts.parse(base));
  return { ...base, probes: await probes(lab, running, targets) };
}

export const labOperations: LabOperationsFactory = (prefix, ctx): LabOperations => {
  const open = () => Lab.open(prefix);
  const candidates = async (): Promise<JoinCandidate[]> => (await open()).state.spares.map((n) => ({ name: n.name, addresses: addressesOf(n) }));
  return {
    join: {
      candidates,
      joinFacts: (input) => labJoinFacts(prefix, ctx, input),
      async join(input, io) {
        aborted(io, 'the join');
        const lab = await Lab.open(prefix, io.log);
        // Proxmox's choice when none is asked: the lowest free node id (the plan says the same)
        const nodeid = input.nodeid ?? nextNodeId(lab.state.nodes.map((n) => ({ id: n.nodeid })));
        io.log(`lab '${prefix}': writing corosync.conf with ${input.name} (nodeid ${nodeid}) on every member, copying the authkey, corosync-cfgtool -R, starting Corosync on ${input.name}`);
        io.log(await lab.joinNode(input.name, { nodeid, ...(input.addresses?.length ? { addresses: input.addresses } : {}), ...(input.votes !== undefined ? { votes: input.votes } : {}) }));
      },
    },
    create: {
      candidates,
      async create(input, io) {
        aborted(io, 'the create');
        const lab = await Lab.open(prefix, io.log);
        io.log(`lab '${prefix}': corosync-keygen, corosync.conf for ${input.nodes.map((n) => n.name).join(', ')}, Corosync started on each`);
        io.log(await lab.createCluster(input.nodes.map((n) => n.name), { clusterName: input.clusterName }));
      },
    },
    delnode: {
      async delnode(name, io) {
        aborted(io, 'the removal');
        const lab = await Lab.open(prefix, io.log);
        io.log(`lab '${prefix}': corosync.conf without ${name} on the other members, corosync-cfgtool -R; ${name}'s corosync.conf and authkey deleted`);
        io.log(await lab.removeNode(name));
      },
    },
    // `pvecm qdevice setup` / `remove` against the lab's own corosync-qnetd (`up --qnetd`, named `qnetd`):
    // another host is refused (the lab sends nothing outside its namespaces); the facts probe only it
    qdevice: {
      qdeviceFacts: async (host) => (await open()).qdeviceFacts(host),
      async setup(input, io) {
        aborted(io, 'the QDevice setup');
        const lab = await Lab.open(prefix, io.log);
        io.log(`lab '${prefix}': QDevice (${input.algorithm}) against ${input.host}: certificates, quorum.device in corosync.conf, corosync-cfgtool -R, corosync-qdevice on ${lab.state.nodes.map((n) => n.name).join(', ')}`);
        io.log(await lab.setupQdevice({ host: input.host, algorithm: input.algorithm, signal: io.signal }));
      },
      async remove(io) {
        aborted(io, 'the QDevice removal');
        const lab = await Lab.open(prefix, io.log);
        io.log(`lab '${prefix}': quorum.device out of corosync.conf, corosync-cfgtool -R, corosync-qdevice stopped, the NSS dbs deleted`);
        io.log(await lab.removeQdevice());
      },
    },
    // a change of the Corosync links (links.ts): the canonical corosync.conf (pve1's) and probes of the new
    // addresses from every other running member; apply renders each member's own file from the edited text
    links: {
      async interfaces() {
        const lab = await open();
        const rows = await Promise.all(
          lab.state.nodes.map(async (n) => {
            const r = await lab.runner(n.name).run('ip', ['-o', 'addr', 'show'], { timeoutMs: LOOKUP_TIMEOUT_MS }).catch(() => null);
            return [n.name, r && r.code === 0 ? parseIpAddr(r.stdout) : []] as const;
          }),
        );
        return Object.fromEntries(rows);
      },
      linkFacts: async (change) => (await open()).linkFacts(change),
      async apply(text, io) {
        aborted(io, 'the link change');
        const lab = await Lab.open(prefix, io.log);
        io.log(await lab.applyLinks(text, { signal: io.signal }));
      },
    },
  };
};
