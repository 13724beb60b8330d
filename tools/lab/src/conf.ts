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
}

export function renderCorosyncConf(c: ConfInput): string {
  const lines: string[] = [];
  const nodeIds = Array.from({ length: c.nodes }, (_, k) => k + 1);
  const linkIds = Array.from({ length: c.links }, (_, l) => l);
  lines.push(
    'totem {',
    '  version: 2',
    `  cluster_name: ${c.clusterName}`,
    '  config_version: 1',
    '  transport: knet',
    '  ip_version: ipv4',
    '  link_mode: passive',
    '  crypto_cipher: aes256',
    '  crypto_hash: sha256',
    `  keyfile: ${c.keyfile}`,
    `  token: ${c.tokenMs}`,
  );
  for (const l of linkIds) lines.push('  interface {', `    linknumber: ${l}`, '  }');
  lines.push('}', 'nodelist {');
  for (const i of nodeIds) {
    lines.push('  node {', `    name: pve${i}`, `    nodeid: ${i}`, `    quorum_votes: ${c.votes?.[i - 1] ?? 1}`);
    for (const l of linkIds) lines.push(`    ring${l}_addr: ${c.address(i, l)}`);
    lines.push('  }');
  }
  lines.push(
    '}',
    'quorum {',
    '  provider: corosync_votequorum',
    ...quorumConfLines(c.quorum ?? {}).map((l) => `  ${l}`),
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
