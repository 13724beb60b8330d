// Standalone nodes beside the simulated cluster ("spares"): Proxmox hosts not in the cluster, to join or to
// create a cluster from. Each carries what the join's pre-flight measures, so every failing check can be
// set up: already clustered, Corosync's port blocked, clock skew, guests, versions, a slow or lossy path.
// Spare faults are the sim's own (the model's SimFault has no spare actions); validated whole before any
// change, like faults.ts.
import { z } from 'zod';
import { NODE_NAME_MAX } from '@quorate/model';
import { SimFaultError } from './errors';
import { MAX_SPARES, SimQdeviceOptions, type SimConfig } from './options';
import type { SimNodeDef, SimState } from './state';
import { defaultNodelist, hostAddress } from './topology';

/** what a fresh simulated host runs */
export const SIM_COROSYNC_VERSION = '3.1.9';
export const SIM_PVE_VERSION = '8.4.1';
/** bounds of the set-ups: a day of clock offset, guests a host could hold, a path's round trip */
export const MAX_CLOCK_OFFSET_MS = 86_400_000;
export const MAX_SPARE_GUESTS = 10_000;
export const MAX_SPARE_LATENCY_MS = 10_000;

const VersionText = z.string().min(1).max(32).nullable();
/** any short printable name: an invalid one is a set-up too (the name-valid check) */
const SpareName = z.string().min(1).max(NODE_NAME_MAX + 1).regex(/^[\x21-\x7e]+$/, 'printable characters without spaces');

export const SimSpare = z.object({
  name: SpareName,
  /** pve<host>: its addresses are hostAddress(host, link) */
  host: z.number().int().min(1).max(245),
  /** one per cluster link, link order */
  addresses: z.array(z.string()),
  /** it has a cluster configuration (and authkey) of this cluster; null: clean */
  clustered: z.object({ clusterName: z.string().min(1) }).nullable(),
  /** a firewall drops Corosync's UDP port on it */
  corosyncPortBlocked: z.boolean(),
  /** its clock minus the cluster's */
  clockOffsetMs: z.number().min(-MAX_CLOCK_OFFSET_MS).max(MAX_CLOCK_OFFSET_MS),
  guests: z.number().int().min(0).max(MAX_SPARE_GUESTS),
  corosyncVersion: VersionText,
  pveVersion: VersionText,
  /** added to every member's round trip to it, and its loss */
  latencyMs: z.number().min(0).max(MAX_SPARE_LATENCY_MS),
  lossPct: z.number().min(0).max(100),
});
export type SimSpare = z.infer<typeof SimSpare>;

/** the set-ups a spare-set fault may change */
const SpareSettings = SimSpare.pick({ clustered: true, corosyncPortBlocked: true, clockOffsetMs: true, guests: true, corosyncVersion: true, pveVersion: true, latencyMs: true, lossPct: true }).partial();

export const SpareFault = z.discriminatedUnion('action', [
  /** a new clean spare; name given: e.g. a member's name (the duplicate-name set-up) */
  z.object({ action: z.literal('spare-add'), name: SpareName.optional() }).strict(),
  z.object({ action: z.literal('spare-rename'), spare: z.string(), name: SpareName }).strict(),
  z.object({ action: z.literal('spare-set'), spare: z.string() }).extend(SpareSettings.shape).strict(),
  z.object({ action: z.literal('spare-remove'), spare: z.string() }).strict(),
  /** a QDevice configured or not (on: the configured one, else an ffsplit one on the default host) */
  z.object({ action: z.literal('qdevice'), enabled: z.boolean() }).strict(),
  /** the simulated qnetd host reachable on TCP 5403 or not (the QDevice setup's failure mode) */
  z.object({ action: z.literal('qnetd'), reachable: z.boolean() }).strict(),
]);
export type SpareFault = z.infer<typeof SpareFault>;

/** a clean standalone host */
export function cleanSpare(name: string, host: number, linkCount: number): SimSpare {
  return {
    name,
    host,
    addresses: Array.from({ length: linkCount }, (_, l) => hostAddress(host, l)),
    clustered: null,
    corosyncPortBlocked: false,
    clockOffsetMs: 0,
    guests: 0,
    corosyncVersion: SIM_COROSYNC_VERSION,
    pveVersion: SIM_PVE_VERSION,
    latencyMs: 0,
    lossPct: 0,
  };
}

/** a fresh simulation's spares: pve<N+1>… after the N members */
export function initialSpares(config: SimConfig): SimSpare[] {
  return Array.from({ length: config.spareCount ?? 0 }, (_, k) => cleanSpare(`pve${config.nodeCount + k + 1}`, config.nodeCount + k + 1, config.linkCount));
}

/** the host number a member's addresses came from (link 0: 198.18.0.<h + 10>), 0 when not one of ours */
function hostOf(node: SimNodeDef): number {
  const last = Number(node.addresses[0]?.split('.')[3]);
  return Number.isInteger(last) ? last - 10 : 0;
}

/** the spare named so; throws SimFaultError naming the spares there are */
export function findSpare(s: Pick<SimState, 'spares'>, name: string): SimSpare {
  const spare = (s.spares ?? []).find((x) => x.name === name);
  if (!spare) throw new SimFaultError(`unknown spare '${name}': the spares are ${(s.spares ?? []).map((x) => x.name).join(', ') || 'none'}`);
  return spare;
}

/** the state after a spare fault; refuses (SimFaultError) an invalid one and returns nothing changed then */
export function applySpareFault(s: SimState, input: unknown): SimState {
  const parsed = SpareFault.safeParse(input);
  if (!parsed.success) throw new SimFaultError(`invalid spare fault: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'fault'}: ${i.message}`).join('; ')}`);
  const f = parsed.data;
  const spares = structuredClone(s.spares ?? []);
  const nameFree = (name: string) => {
    if (spares.some((x) => x.name === name)) throw new SimFaultError(`a spare is already named '${name}'`);
  };
  switch (f.action) {
    case 'spare-add': {
      if (spares.length >= MAX_SPARES) throw new SimFaultError(`at most ${MAX_SPARES} spares`);
      const members = s.nodelist ?? defaultNodelist(s.config);
      const host = Math.max(0, ...members.map(hostOf), ...spares.map((x) => x.host)) + 1;
      const name = f.name ?? `pve${host}`;
      nameFree(name);
      spares.push(cleanSpare(name, host, s.linkCount ?? s.config.linkCount));
      break;
    }
    case 'spare-rename': {
      const spare = findSpare({ spares }, f.spare);
      if (f.name !== spare.name) nameFree(f.name);
      spare.name = f.name;
      break;
    }
    case 'spare-set': {
      const spare = findSpare({ spares }, f.spare);
      const { action: _a, spare: _s, ...settings } = f;
      Object.assign(spare, Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)));
      break;
    }
    case 'spare-remove':
      findSpare({ spares }, f.spare);
      return { ...s, spares: spares.filter((x) => x.name !== f.spare) };
    case 'qdevice':
      return { ...s, qdevice: f.enabled ? (s.config.qdevice ?? SimQdeviceOptions.parse({})) : null };
    case 'qnetd':
      return { ...s, qnetdUnreachable: !f.reachable };
  }
  return { ...s, spares };
}
