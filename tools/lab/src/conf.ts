// corosync.conf for one lab node. Pure, so it can be unit-tested without root.
import { quorumConfLines, type LabQuorumOptions } from './quorum';

export interface ConfInput {
  clusterName: string;
  nodes: number;
  links: number;
  tokenMs: number;
  keyfile: string;
  logfile: string;
  stateDir: string;
  /** address of node i (1-based) on link l (0-based) */
  address: (node: number, link: number) => string;
  /** votequorum options for the `quorum {}` section (none: votequorum's defaults) */
  quorum?: LabQuorumOptions;
  /** quorum_votes of node i at index i - 1 (default 1 each) */
  votes?: readonly number[];
  /** an explicit nodelist (create/join/remove); without it nodes pve1..pve<nodes> at `address` */
  nodelist?: readonly ConfNode[];
  /** totem.config_version (default 1): a reload only takes a file with a higher one than the running */
  configVersion?: number;
  /** quorum.device (a QDevice, model net), as `pvecm qdevice setup` writes it; none without */
  device?: QuorumDeviceConf | null;
  /** totem.link_mode (default passive) */
  linkMode?: 'passive' | 'active' | 'rr';
  /** knet_link_priority of link l at index l; null/absent: not written */
  linkPriorities?: readonly (number | null)[];
}

/** `quorum { device { ... } }` for model net: votes 1 for ffsplit, unset (votequorum: nodes - 1) for lms */
export interface QuorumDeviceConf {
  algorithm: 'ffsplit' | 'lms';
  host: string;
  /** null: left out (lms) */
  votes: number | null;
  tls?: 'on' | 'off' | 'required';
}

/** The `device {}` block's lines (unindented), in pvecm's layout. */
export function quorumDeviceLines(d: QuorumDeviceConf): string[] {
  return [
    'device {',
    '  model: net',
    ...(d.votes === null ? [] : [`  votes: ${d.votes}`]),
    '  net {',
    `    algorithm: ${d.algorithm}`,
    `    host: ${d.host}`,
    `    tls: ${d.tls ?? 'on'}`,
    '  }',
    '}',
  ];
}

export interface ConfNode {
  name: string;
  nodeid: number;
  votes: number;
  /** ring<l>_addr at index l */
  addresses: readonly string[];
}

export function renderCorosyncConf(c: ConfInput): string {
  const lines: string[] = [];
  const linkIds = Array.from({ length: c.links }, (_, l) => l);
  const nodelist: readonly ConfNode[] =
    c.nodelist ??
    Array.from({ length: c.nodes }, (_, k) => ({
      name: `pve${k + 1}`,
      nodeid: k + 1,
      votes: c.votes?.[k] ?? 1,
      addresses: linkIds.map((l) => c.address(k + 1, l)),
    }));
  lines.push(
    'totem {',
    '  version: 2',
    `  cluster_name: ${c.clusterName}`,
    `  config_version: ${c.configVersion ?? 1}`,
    '  transport: knet',
    '  ip_version: ipv4',
    `  link_mode: ${c.linkMode ?? 'passive'}`,
    '  crypto_cipher: aes256',
    '  crypto_hash: sha256',
    `  keyfile: ${c.keyfile}`,
    `  token: ${c.tokenMs}`,
  );
  for (const l of linkIds) {
    const pri = c.linkPriorities?.[l];
    lines.push('  interface {', `    linknumber: ${l}`, ...(pri === null || pri === undefined ? [] : [`    knet_link_priority: ${pri}`]), '  }');
  }
  lines.push('}', 'nodelist {');
  for (const n of nodelist) {
    lines.push('  node {', `    name: ${n.name}`, `    nodeid: ${n.nodeid}`, `    quorum_votes: ${n.votes}`);
    n.addresses.forEach((a, l) => lines.push(`    ring${l}_addr: ${a}`));
    lines.push('  }');
  }
  lines.push(
    '}',
    'quorum {',
    '  provider: corosync_votequorum',
    ...quorumConfLines(c.quorum ?? {}).map((l) => `  ${l}`),
    ...(c.device ? quorumDeviceLines(c.device).map((l) => `  ${l}`) : []),
    '}',
    'logging {',
    '  to_logfile: yes',
    `  logfile: ${c.logfile}`,
    '  to_stderr: no',
    '  to_syslog: no',
    '  timestamp: hires',
    '}',
    'system {',
    `  state_dir: ${c.stateDir}`,
    // corosync's default (yes) would run N SCHED_RR prio-99 processes on one small box
    '  sched_rr: no',
    '}',
    '',
  );
  return lines.join('\n');
}
