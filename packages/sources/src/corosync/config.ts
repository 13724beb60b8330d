// The cluster configuration as one node's cmap holds it (totem.*, nodelist.*, quorum.*, the runtime
// token): read once per node at start-up and again after the node comes back.
import { cmapNumber, cmapNodelist, cmapString, cmapTotemConfig, type Cmap, type NodelistEntry } from '@quorate/corosync';
import { QuorumOptions, runtimeTokenMs } from '@quorate/model';

/** `corosync-cmapctl` prefixes that hold everything below (one call, ~40 lines). */
export const CONFIG_PREFIXES = ['totem.', 'nodelist.', 'quorum.', 'runtime.config.totem.token'];

/** Corosync's defaults when corosync.conf leaves them out (corosync.conf(5)). */
const DEFAULT_TOKEN_MS = 3000;
const DEFAULT_TOKEN_COEFFICIENT_MS = 650;

export interface QdeviceConfig {
  algorithm: 'ffsplit' | 'lms';
  host: string | null;
  /** quorum.device.votes; null = unset (ffsplit 1, lms nodes - 1) */
  votes: number | null;
}

export interface CorosyncConfig {
  clusterName: string;
  configVersion: number | null;
  transport: string | null;
  secureAuth: boolean | null;
  /** totem.token as configured, corosync's default 3000 when unset */
  tokenMs: number;
  /** runtime.config.totem.token: the timeout in use for this node count */
  runtimeTokenMs: number;
  quorumOptions: QuorumOptions;
  nodelist: NodelistEntry[];
  qdevice: QdeviceConfig | null;
}

/** A number from an integer key or a numeric string key (corosync types some quorum keys either way). */
function num(map: Cmap, key: string): number | null {
  const n = cmapNumber(map, key);
  if (n !== null) return n;
  const s = cmapString(map, key)?.trim();
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : null;
}

function bool(map: Cmap, key: string): boolean | null {
  const n = num(map, key);
  if (n !== null) return n !== 0;
  const s = cmapString(map, key)?.trim().toLowerCase();
  if (s === 'on' || s === 'yes' || s === 'true') return true;
  if (s === 'off' || s === 'no' || s === 'false') return false;
  return null;
}

export function quorumOptionsFromCmap(map: Cmap): QuorumOptions {
  const defaults = QuorumOptions.parse({});
  let atbNode: QuorumOptions['autoTieBreakerNode'] = 'lowest';
  const rawAtb = cmapString(map, 'quorum.auto_tie_breaker_node')?.trim();
  if (rawAtb === 'lowest' || rawAtb === 'highest') atbNode = rawAtb;
  else if (rawAtb) {
    const ids = rawAtb.split(/\s+/).map(Number);
    if (ids.every((n) => Number.isInteger(n) && n >= 0 && n <= 65535)) atbNode = ids;
  }
  const expected = num(map, 'quorum.expected_votes');
  const window = num(map, 'quorum.last_man_standing_window');
  const parsed = QuorumOptions.safeParse({
    expectedVotes: expected !== null && expected >= 1 ? expected : null,
    twoNode: bool(map, 'quorum.two_node') ?? false,
    waitForAll: bool(map, 'quorum.wait_for_all'),
    lastManStanding: bool(map, 'quorum.last_man_standing') ?? false,
    lastManStandingWindowMs: window ?? defaults.lastManStandingWindowMs,
    autoTieBreaker: bool(map, 'quorum.auto_tie_breaker') ?? false,
    autoTieBreakerNode: atbNode,
  });
  return parsed.success ? parsed.data : defaults;
}

/** Null when the dump has no nodelist: then it is not a usable Corosync 3 configuration. */
export function configFromCmap(map: Cmap): CorosyncConfig | null {
  const totem = cmapTotemConfig(map);
  const nodelist = cmapNodelist(map).filter((n) => n.nodeId !== null);
  if (nodelist.length === 0) return null;
  const tokenMs = totem.tokenMs ?? DEFAULT_TOKEN_MS;
  const model = cmapString(map, 'quorum.device.model');
  const algorithm = cmapString(map, 'quorum.device.net.algorithm');
  return {
    clusterName: totem.clusterName ?? '',
    configVersion: totem.configVersion,
    transport: totem.transport,
    secureAuth: totem.secureAuth,
    tokenMs,
    runtimeTokenMs:
      cmapNumber(map, 'runtime.config.totem.token') ??
      runtimeTokenMs(tokenMs, nodelist.length, totem.tokenCoefficientMs ?? DEFAULT_TOKEN_COEFFICIENT_MS),
    quorumOptions: quorumOptionsFromCmap(map),
    nodelist,
    qdevice:
      model === null
        ? null
        : {
            algorithm: algorithm === 'lms' ? 'lms' : 'ffsplit',
            host: cmapString(map, 'quorum.device.net.host'),
            votes: num(map, 'quorum.device.votes'),
          },
  };
}
