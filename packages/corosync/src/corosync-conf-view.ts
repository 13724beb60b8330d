// Typed reading of a parsed corosync.conf: totem, nodelist and quorum (votequorum(5), corosync.conf(5)),
// and the mapping to the model's QuorumOptions. Unparseable values read as null, never throw.
import { QuorumOptions } from '@quorate/model';
import { mergedSection, pairsOf, sectionsNamed, type ConfItem, type CorosyncConf } from './corosync-conf';

export interface ConfInterface {
  linknumber: number | null;
  knetLinkPriority: number | null;
  knetTransport: string | null;
  bindnetaddr: string | null;
  mcastport: number | null;
  raw: Record<string, string>;
}

export interface ConfTotem {
  version: number | null;
  clusterName: string | null;
  configVersion: number | null;
  transport: string | null;
  /** ms, as configured (null = corosync default 3000) */
  token: number | null;
  /** ms (null = corosync default 650; PVE writes 125 on new clusters) */
  tokenCoefficient: number | null;
  consensus: number | null;
  /** legacy `secauth: on|off` */
  secauth: boolean | null;
  cryptoCipher: string | null;
  cryptoHash: string | null;
  linkMode: string | null;
  ipVersion: string | null;
  interfaces: ConfInterface[];
  raw: Record<string, string>;
}

export interface ConfNode {
  name: string | null;
  nodeId: number | null;
  /** null = 1 (corosync default) */
  quorumVotes: number | null;
  /** ringN_addr: the node's address on link N */
  addresses: { link: number; address: string }[];
  raw: Record<string, string>;
}

export interface ConfQDeviceNet {
  algorithm: string | null;
  host: string | null;
  port: number | null;
  /** `on` | `off` | `required` */
  tls: string | null;
  /** `lowest` | `highest` | a node id */
  tieBreaker: string | null;
  raw: Record<string, string>;
}

export interface ConfQDevice {
  model: string | null;
  /** null = unset (ffsplit needs 1; lms leaves it unset = nodes - 1) */
  votes: number | null;
  timeout: number | null;
  syncTimeout: number | null;
  net: ConfQDeviceNet | null;
  raw: Record<string, string>;
}

export interface ConfQuorum {
  provider: string | null;
  expectedVotes: number | null;
  twoNode: boolean | null;
  waitForAll: boolean | null;
  lastManStanding: boolean | null;
  lastManStandingWindow: number | null;
  autoTieBreaker: boolean | null;
  /** raw: `lowest` | `highest` | space-separated node ids */
  autoTieBreakerNode: string | null;
  allowDownscale: boolean | null;
  device: ConfQDevice | null;
  raw: Record<string, string>;
}

export interface CorosyncConfView {
  totem: ConfTotem | null;
  nodes: ConfNode[];
  quorum: ConfQuorum | null;
}

export function confInt(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = v.trim();
  if (!/^-?\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

export function confBool(v: string | undefined): boolean | null {
  if (v === undefined) return null;
  const t = v.trim().toLowerCase();
  if (t === '1' || t === 'on' || t === 'yes' || t === 'true') return true;
  if (t === '0' || t === 'off' || t === 'no' || t === 'false') return false;
  const n = confInt(t);
  return n === null ? null : n !== 0;
}

const str = (v: string | undefined): string | null => (v === undefined ? null : v);

export function confTotem(conf: CorosyncConf): ConfTotem | null {
  const items = mergedSection(conf, 'totem');
  if (!items) return null;
  const p = pairsOf(items);
  return {
    version: confInt(p.version),
    clusterName: str(p.cluster_name),
    configVersion: confInt(p.config_version),
    transport: str(p.transport),
    token: confInt(p.token),
    tokenCoefficient: confInt(p.token_coefficient),
    consensus: confInt(p.consensus),
    secauth: confBool(p.secauth),
    cryptoCipher: str(p.crypto_cipher),
    cryptoHash: str(p.crypto_hash),
    linkMode: str(p.link_mode),
    ipVersion: str(p.ip_version),
    interfaces: sectionsNamed(items, 'interface').map((s) => {
      const ip = pairsOf(s.items);
      return {
        // corosync 2 called it ringnumber
        linknumber: confInt(ip.linknumber ?? ip.ringnumber),
        knetLinkPriority: confInt(ip.knet_link_priority),
        knetTransport: str(ip.knet_transport),
        bindnetaddr: str(ip.bindnetaddr),
        mcastport: confInt(ip.mcastport),
        raw: ip,
      };
    }),
    raw: p,
  };
}

export function confNodelist(conf: CorosyncConf): ConfNode[] {
  const items = mergedSection(conf, 'nodelist');
  if (!items) return [];
  return sectionsNamed(items, 'node').map((s) => {
    const p = pairsOf(s.items);
    const addresses: { link: number; address: string }[] = [];
    for (let link = 0; link <= 7; link++) {
      const a = p[`ring${link}_addr`];
      if (a !== undefined && a !== '') addresses.push({ link, address: a });
    }
    return { name: str(p.name), nodeId: confInt(p.nodeid), quorumVotes: confInt(p.quorum_votes), addresses, raw: p };
  });
}

function device(items: ConfItem[] | undefined): ConfQDevice | null {
  if (!items) return null;
  const p = pairsOf(items);
  const netItems = sectionsNamed(items, 'net').flatMap((s) => s.items);
  const hasNet = sectionsNamed(items, 'net').length > 0;
  const np = pairsOf(netItems);
  return {
    model: str(p.model),
    votes: confInt(p.votes),
    timeout: confInt(p.timeout),
    syncTimeout: confInt(p.sync_timeout),
    net: hasNet
      ? {
          algorithm: str(np.algorithm),
          host: str(np.host),
          port: confInt(np.port),
          tls: str(np.tls),
          tieBreaker: str(np.tie_breaker),
          raw: np,
        }
      : null,
    raw: p,
  };
}

export function confQuorum(conf: CorosyncConf): ConfQuorum | null {
  const items = mergedSection(conf, 'quorum');
  if (!items) return null;
  const p = pairsOf(items);
  const devices = sectionsNamed(items, 'device');
  return {
    provider: str(p.provider),
    expectedVotes: confInt(p.expected_votes),
    twoNode: confBool(p.two_node),
    waitForAll: confBool(p.wait_for_all),
    lastManStanding: confBool(p.last_man_standing),
    lastManStandingWindow: confInt(p.last_man_standing_window),
    autoTieBreaker: confBool(p.auto_tie_breaker),
    autoTieBreakerNode: str(p.auto_tie_breaker_node),
    allowDownscale: confBool(p.allow_downscale),
    device: devices.length === 0 ? null : device(devices.flatMap((d) => d.items)),
    raw: p,
  };
}

export function corosyncConfView(conf: CorosyncConf): CorosyncConfView {
  return { totem: confTotem(conf), nodes: confNodelist(conf), quorum: confQuorum(conf) };
}

/**
 * The votequorum options that change the arithmetic, with the model's defaults for anything absent or
 * unreadable (an unreadable value is treated as unset, as the model cannot carry it).
 */
export function quorumOptionsFromConf(conf: CorosyncConf): QuorumOptions {
  const q = confQuorum(conf);
  const defaults = QuorumOptions.parse({});
  if (!q) return defaults;
  let atbNode: QuorumOptions['autoTieBreakerNode'] = 'lowest';
  const rawAtb = q.autoTieBreakerNode?.trim();
  if (rawAtb === 'lowest' || rawAtb === 'highest') atbNode = rawAtb;
  else if (rawAtb) {
    const ids = rawAtb.split(/\s+/).map((t) => confInt(t));
    if (ids.length > 0 && ids.every((n): n is number => n !== null && n >= 0 && n <= 65535)) atbNode = ids as number[];
  }
  const candidate = {
    expectedVotes: q.expectedVotes !== null && q.expectedVotes >= 1 ? q.expectedVotes : null,
    twoNode: q.twoNode ?? false,
    waitForAll: q.waitForAll,
    lastManStanding: q.lastManStanding ?? false,
    lastManStandingWindowMs:
      q.lastManStandingWindow !== null && q.lastManStandingWindow >= 0 ? q.lastManStandingWindow : defaults.lastManStandingWindowMs,
    autoTieBreaker: q.autoTieBreaker ?? false,
    autoTieBreakerNode: atbNode,
  };
  const parsed = QuorumOptions.safeParse(candidate);
  return parsed.success ? parsed.data : defaults;
}
