// Typed views of the default cmap map: runtime.members.*, runtime.votequorum.*, runtime.config.totem.*,
// nodelist.node.X.* and totem.* (man cmap_keys(7)).
import { cmapNumber, cmapString, type Cmap } from './cmap';

export interface RuntimeMember {
  nodeId: number;
  /** `joined` | `left` as corosync writes it (other values passed through) */
  status: string | null;
  /** addresses from `r(0) ip(198.18.0.11) `, in link order */
  addresses: { link: number; address: string }[];
  joinCount: number | null;
  configVersion: number | null;
}

/** Parses `r(0) ip(10.0.0.1) r(1) ip(10.0.1.1) ` into link/address pairs. */
export function parseMemberIp(text: string): { link: number; address: string }[] {
  const out: { link: number; address: string }[] = [];
  for (const m of text.matchAll(/r\((\d+)\)\s*ip\(([^)]*)\)/g)) {
    if (m[1] !== undefined && m[2] !== undefined && m[2] !== '') out.push({ link: Number(m[1]), address: m[2] });
  }
  return out;
}

export function runtimeMembers(map: Cmap): RuntimeMember[] {
  const ids = new Set<number>();
  for (const key of map.keys()) {
    const m = /^runtime\.members\.(\d+)\./.exec(key);
    if (m?.[1] !== undefined) ids.add(Number(m[1]));
  }
  return [...ids]
    .filter((id) => Number.isSafeInteger(id))
    .sort((a, b) => a - b)
    .map((nodeId) => {
      const p = `runtime.members.${nodeId}.`;
      const ip = cmapString(map, `${p}ip`);
      return {
        nodeId,
        status: cmapString(map, `${p}status`),
        addresses: ip === null ? [] : parseMemberIp(ip),
        joinCount: cmapNumber(map, `${p}join_count`),
        configVersion: cmapNumber(map, `${p}config_version`),
      };
    });
}

export interface RuntimeVotequorum {
  thisNodeId: number | null;
  lowestNodeId: number | null;
  highestNodeId: number | null;
  twoNode: boolean | null;
  evBarrier: number | null;
  waitForAllStatus: boolean | null;
}

export function runtimeVotequorum(map: Cmap): RuntimeVotequorum {
  const n = (k: string) => cmapNumber(map, `runtime.votequorum.${k}`);
  const b = (k: string) => {
    const v = n(k);
    return v === null ? null : v !== 0;
  };
  return {
    thisNodeId: n('this_node_id'),
    lowestNodeId: n('lowest_node_id'),
    highestNodeId: n('highest_node_id'),
    twoNode: b('two_node'),
    evBarrier: n('ev_barrier'),
    waitForAllStatus: b('wait_for_all_status'),
  };
}

export interface RuntimeTotem {
  /** the token timeout in use (ms): token + (nodes - 2) * token_coefficient for 3+ nodes */
  tokenMs: number | null;
  consensusMs: number | null;
  tokenRetransmitMs: number | null;
  joinMs: number | null;
  mergeMs: number | null;
  /** knet ping interval/timeout per link (ms) */
  knetPing: { link: number; intervalMs: number | null; timeoutMs: number | null }[];
}

export function runtimeTotem(map: Cmap): RuntimeTotem {
  const n = (k: string) => cmapNumber(map, `runtime.config.totem.${k}`);
  const links = new Set<number>();
  for (const key of map.keys()) {
    const m = /^runtime\.config\.totem\.interface\.(\d+)\./.exec(key);
    if (m?.[1] !== undefined) links.add(Number(m[1]));
  }
  return {
    tokenMs: n('token'),
    consensusMs: n('consensus'),
    tokenRetransmitMs: n('token_retransmit'),
    joinMs: n('join'),
    mergeMs: n('merge'),
    knetPing: [...links]
      .sort((a, b) => a - b)
      .map((link) => ({
        link,
        intervalMs: n(`interface.${link}.knet_ping_interval`),
        timeoutMs: n(`interface.${link}.knet_ping_timeout`),
      })),
  };
}

export interface CmapNodelistNode {
  /** X in nodelist.node.X (position in corosync.conf, not the node id) */
  position: number;
  nodeId: number | null;
  name: string | null;
  quorumVotes: number | null;
  /** ringN_addr, i.e. the node's address on link N */
  addresses: { link: number; address: string }[];
}

export function cmapNodelist(map: Cmap): CmapNodelistNode[] {
  const positions = new Set<number>();
  for (const key of map.keys()) {
    const m = /^nodelist\.node\.(\d+)\./.exec(key);
    if (m?.[1] !== undefined) positions.add(Number(m[1]));
  }
  return [...positions]
    .sort((a, b) => a - b)
    .map((position) => {
      const p = `nodelist.node.${position}.`;
      const addresses: { link: number; address: string }[] = [];
      for (let link = 0; link <= 7; link++) {
        const a = cmapString(map, `${p}ring${link}_addr`);
        if (a !== null) addresses.push({ link, address: a });
      }
      return {
        position,
        nodeId: cmapNumber(map, `${p}nodeid`),
        name: cmapString(map, `${p}name`),
        quorumVotes: cmapNumber(map, `${p}quorum_votes`),
        addresses,
      };
    });
}

export interface CmapTotemConfig {
  clusterName: string | null;
  configVersion: number | null;
  transport: string | null;
  cryptoCipher: string | null;
  cryptoHash: string | null;
  /** totem.secauth when set, else whether a cipher other than `none` is configured */
  secureAuth: boolean;
  /** totem.token as configured (ms), null = default */
  tokenMs: number | null;
  tokenCoefficientMs: number | null;
  linkMode: string | null;
}

export function cmapTotemConfig(map: Cmap): CmapTotemConfig {
  const s = (k: string) => cmapString(map, `totem.${k}`);
  const n = (k: string) => cmapNumber(map, `totem.${k}`) ?? numericString(s(k));
  const secauth = s('secauth');
  const cipher = s('crypto_cipher');
  return {
    clusterName: s('cluster_name'),
    configVersion: n('config_version'),
    transport: s('transport'),
    cryptoCipher: cipher,
    cryptoHash: s('crypto_hash'),
    secureAuth: secauth !== null ? secauth === 'on' : cipher !== null && cipher !== 'none',
    tokenMs: n('token'),
    tokenCoefficientMs: n('token_coefficient'),
    linkMode: s('link_mode'),
  };
}

function numericString(v: string | null): number | null {
  return v !== null && /^\d+$/.test(v.trim()) ? Number(v.trim()) : null;
}
