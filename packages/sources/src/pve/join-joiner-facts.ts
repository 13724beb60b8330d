// The joining node's half of the join's facts, over ITS API as root@pam (JoinInput.joiner): whether it is in
// a cluster (/cluster/status: a standalone node has no "cluster" entry), its guests (/nodes/{n}/qemu, lxc),
// versions, addresses (/nodes/{n}/network) and clock. What cannot be read is {unmeasured: why}, never a pass.
// Name resolution on the members is not visible over the API at all.
import type { JoinerFacts, Measured, Unmeasured } from '@quorate/model';
import type { JoinInput } from '../source';
import { clockVsLocal } from './clock';
import type { PveClient } from './client';
import { corosyncVersionOf, pveVersionOf } from './join-cluster-facts';
import { GuestRow, NetworkRow } from './ops-schemas';
import { StatusRow, parseRows } from './schemas';
import { scrub } from './scrub';
import type { RootSession } from './session';

const NO_RESOLVER: Unmeasured = { unmeasured: "the API cannot resolve names or addresses on the members; add SSH to check it" };
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** every measurement of the joining node left unmeasured, for one reason */
export function unmeasuredJoiner(input: JoinInput, why: string): JoinerFacts {
  const u: Unmeasured = { unmeasured: why };
  return { name: input.name, nodeid: input.nodeid ?? null, votes: input.votes ?? 1, addresses: input.addresses ?? [], resolvesTo: NO_RESOLVER, reverse: NO_RESOLVER, localAddresses: u, clustered: u, guests: u, clockOffsetMs: u, corosyncVersion: u, pveVersion: u, access: null };
}

/** one measurement: its value, or why it is missing */
async function measure<T>(what: string, f: () => Promise<T>, secrets: readonly (string | undefined)[]): Promise<Measured<T>> {
  try {
    return await f();
  } catch (err) {
    return { unmeasured: `${what}: ${scrub(messageOf(err), secrets)}` };
  }
}

async function guestCount(c: PveClient, node: string): Promise<number> {
  const n = encodeURIComponent(node);
  const [qemu, lxc] = await Promise.all([c.get(`nodes/${n}/qemu`), c.get(`nodes/${n}/lxc`)]);
  return parseRows(qemu, GuestRow, 'qemu').rows.length + parseRows(lxc, GuestRow, 'lxc').rows.length;
}

async function localAddresses(c: PveClient, node: string): Promise<string[]> {
  const rows = parseRows(await c.get(`nodes/${encodeURIComponent(node)}/network`), NetworkRow, 'network').rows;
  return [...new Set(rows.flatMap((r) => [r.address, r.address6].filter((a): a is string => a !== undefined && a !== '')))];
}

export interface JoinerSide {
  facts: JoinerFacts;
  /** the name the node gives itself (the local row of its /cluster/status), null when not read */
  selfName: string | null;
}

/**
 * The joiner's facts. `clusterClock` is the cluster's clock against the local one (clock.ts), measured beside
 * the joiner's; the API of the joining node is reached through `session` (null: no access given, `why`).
 */
export async function joinerFacts(input: JoinInput, session: RootSession | null, why: string, clusterClock: Promise<number | null>): Promise<JoinerSide> {
  const secrets = [input.joiner?.password, input.joiner?.otp, input.password];
  if (session === null) return { facts: { ...unmeasuredJoiner(input, why), access: { ok: false, detail: why } }, selfName: null };
  let c: PveClient;
  let rows: ReturnType<typeof StatusRow.parse>[];
  try {
    c = await session.client();
    rows = parseRows(await c.get('cluster/status'), StatusRow, 'cluster/status').rows;
  } catch (err) {
    const detail = `${input.name}'s API: ${scrub(messageOf(err), secrets)}`;
    return { facts: { ...unmeasuredJoiner(input, detail), access: { ok: false, detail } }, selfName: null };
  }
  const head = rows.find((r) => r.type === 'cluster');
  const self = rows.find((r) => r.type === 'node' && r.local === true)?.name ?? input.name;
  const [guests, pveVersion, corosyncVersion, addresses, clock] = await Promise.all([
    measure('GET qemu/lxc', () => guestCount(c, self), secrets),
    measure('GET version', () => pveVersionOf(c, self), secrets),
    measure('GET apt/versions', () => corosyncVersionOf(c, self), secrets),
    measure('GET network', () => localAddresses(c, self), secrets),
    measure('GET time', async () => {
      const [mine, theirs] = await Promise.all([clockVsLocal(c, self), clusterClock]);
      if (mine === null || theirs === null) throw new Error('no second boundary seen (the API gives whole seconds)');
      return Math.round(mine - theirs);
    }, secrets),
  ]);
  return {
    selfName: self,
    facts: {
      ...unmeasuredJoiner(input, 'not read'),
      access: { ok: true, detail: `logged in to ${session.where} as root@pam` },
      localAddresses: addresses,
      // pmxcfs's view: a cluster entry means /etc/pve/corosync.conf exists. The authkey and corosync's process
      // are not visible over the API; pvecm add's own assert_joinable re-checks both before any change.
      clustered: head !== undefined ? { corosyncConf: true, authkey: false, corosyncRunning: false, clusterName: head.name } : { corosyncConf: false, authkey: false, corosyncRunning: false, clusterName: null },
      guests,
      clockOffsetMs: clock,
      corosyncVersion,
      pveVersion,
    },
  };
}
