// The words of a notification: every provider renders the same facts — what happened, since when, what it
// blocks, how to recover — so an admin reading a phone knows what to do before opening the dashboard.
import { formatDuration } from '../describe';
import type { Alert } from './alert';
import type { Notification, NotificationKind } from './notification';
import type { RuleId } from './rules';

const BLOCKS: Partial<Record<RuleId, string>> = {
  'quorum-lost':
    'Without quorum /etc/pve is read-only: no guest can be started, created, migrated or changed, HA does not recover guests, and nodes with HA guests may fence themselves.',
  'early-warning': 'Corosync no longer hears this node; if it drops, the cluster has one vote fewer.',
  'node-offline': 'Its guests are down unless HA moves them; the cluster can lose fewer nodes before quorum is lost.',
  'link-degraded': 'Corosync traffic on this link is lost or slow; with no other link, the nodes may drop out of the membership.',
  storage: 'Guests on this storage cannot start, and backups to it fail.',
  'qdevice-lost': 'The tie-breaking vote is gone: an even split now loses quorum.',
  'ha-error': 'HA cannot manage this guest until the error is cleared (ha-manager set <sid> --state disabled, fix, then started).',
  'source-down': 'Quorate cannot see this cluster: no other alert about it can be sent until it can.',
};

const RECOVER: Partial<Record<RuleId, string>> = {
  'quorum-lost':
    'Bring the missing nodes back (power, network, corosync). Only if they cannot come back soon: lower the expected votes on a remaining node (pvecm expected <n>, or the dashboard\'s guarded recovery) — never on both sides of a split.',
  'early-warning': 'Check the node and its Corosync links now (corosync-cfgtool -s on it).',
  'node-offline': 'Check its power and network; journalctl -u corosync on it tells why it left.',
  'link-degraded': 'Check the switch port, cable and MTU of this link; keep Corosync apart from storage traffic.',
  storage: 'Check the storage on the node (pvesm status), its network or disks, and free space.',
  'qdevice-lost': 'Check corosync-qdevice on the nodes (corosync-qdevice-tool -s) and the qnetd host (TCP 5403).',
  'source-down': 'Check the address, credentials and certificate in the cluster settings, and the network to the cluster.',
};

export interface Worded {
  alert: Alert;
  kind: NotificationKind;
  at: number;
  clusterName: string | null;
  url: string | null;
  /** a flapping subject: how many changes in how long */
  flapping?: { changes: number; windowS: number } | undefined;
  /** the nth reminder */
  reminder?: number | undefined;
}

export function notificationOf(w: Worded): Notification {
  const a = w.alert;
  const where = w.clusterName ?? a.clusterId;
  const duration = a.endedAt !== null ? a.endedAt - a.startedAt : null;
  let title: string;
  const lines: string[] = [];
  if (w.kind === 'closed') {
    title = `${where}: resolved — ${a.title}${duration !== null ? ` (lasted ${formatDuration(duration)})` : ''}`;
    lines.push(`Resolved at ${iso(a.endedAt ?? w.at)} after ${duration !== null ? formatDuration(duration) : 'an unknown time'}.`);
    if (w.flapping) lines.push(`It changed ${w.flapping.changes} times; quiet for ${w.flapping.windowS} s now.`);
  } else {
    const prefix = w.flapping ? `flapping (${w.flapping.changes} changes in ${w.flapping.windowS} s) — ` : w.kind === 'reminder' ? `still open (reminder ${w.reminder ?? 1}) — ` : '';
    title = `${where}: ${prefix}${a.title}`;
    lines.push(`${a.title}, since ${iso(a.startedAt)}${w.kind === 'reminder' ? ` (${formatDuration(w.at - a.startedAt)} ago)` : ''}.`);
    if (w.flapping) lines.push(`Further changes are held back until it has been quiet for ${w.flapping.windowS} s; then one message says how it settled.`);
    const blocks = BLOCKS[a.rule];
    if (blocks) lines.push(`What it blocks: ${blocks}`);
    const recover = RECOVER[a.rule];
    if (recover) lines.push(`How to recover: ${recover}`);
  }
  if (w.url) lines.push(w.url);
  return {
    id: `${a.key}:${w.kind}${w.kind === 'reminder' ? `:${w.reminder ?? 1}` : ''}${w.kind === 'opened' ? `:${a.startedAt}` : ''}`,
    kind: w.kind,
    rule: a.rule,
    clusterId: a.clusterId,
    clusterName: w.clusterName,
    severity: w.kind === 'closed' ? 'info' : a.severity,
    title: title.length > 250 ? `${title.slice(0, 249)}…` : title,
    body: lines.join('\n').slice(0, 4_000),
    at: w.at,
    startedAt: a.startedAt,
    endedAt: a.endedAt,
    durationMs: w.kind === 'closed' ? duration : null,
    incidentId: a.incidentId,
    url: w.url,
  };
}

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

/** the test button's message: it says plainly that nothing is wrong */
export function testNotification(channelName: string, at: number, url: string | null): Notification {
  return {
    id: `test:${at}`,
    kind: 'test',
    rule: null,
    clusterId: null,
    clusterName: null,
    severity: 'info',
    title: `Quorate test message for “${channelName}”`,
    body: `This is a test sent from Quorate at ${iso(at)}. Nothing is wrong: if you can read this, alerts reach you here.${url ? `\n${url}` : ''}`,
    at,
    startedAt: null,
    endedAt: null,
    durationMs: null,
    incidentId: null,
    url,
  };
}
