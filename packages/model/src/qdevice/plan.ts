// A QDevice change's pre-flight and prediction (issue 16): every check with why and the fix, and quorum before
// and after ("2 nodes: can lose 0 → can lose 1"). Pure: the facts come from the source (facts.ts), the rules
// from proxmox-facts §2.5 and §3.2–3.3 (pvecm's own refusals quoted where it has them).
import { z } from 'zod';
import { JoinCheck, type JoinCheck as Check } from '../join/checks';
import { isUnmeasured } from '../join/facts';
import { quorumFigures } from '../join/plan';
import { QuorumFigures } from '../operations';
import type { ClusterSnapshot } from '../snapshot';
import { QDEVICE_PORT, QdeviceAlgorithm, QnetdHost, type QdeviceFacts } from './facts';

export const QdeviceAction = z.enum(['setup', 'remove']);
export type QdeviceAction = z.infer<typeof QdeviceAction>;

/** POST /api/v1/operations/qdevice */
export const QdeviceRequest = z
  .object({
    action: QdeviceAction,
    /** setup: the qnetd host (name or address) */
    host: QnetdHost.optional(),
    /** setup: ffsplit (even node counts; the default) or lms */
    algorithm: QdeviceAlgorithm.optional(),
    /** lms on an odd node count, or ffsplit on an odd one: Proxmox asks for --force */
    force: z.boolean().optional(),
    confirm: z.boolean().optional(),
    dryRun: z.boolean().optional(),
    clusterName: z.string().max(256).optional(),
  })
  .strict()
  .refine((r) => r.action === 'remove' || r.host !== undefined, { message: 'setup needs the qnetd host', path: ['host'] });
export type QdeviceRequest = z.infer<typeof QdeviceRequest>;

export const QdevicePlan = z.object({
  action: QdeviceAction,
  host: z.string().nullable(),
  algorithm: QdeviceAlgorithm.nullable(),
  /** the QDevice's votes after the change (ffsplit 1, lms nodes − 1; 0 after remove) */
  votes: z.number().int().min(0),
  checks: z.array(JoinCheck),
  before: QuorumFigures,
  after: QuorumFigures,
  /** "2 nodes: can lose 0 → can lose 1" */
  sentence: z.string(),
  /** the steps the change takes, in order (the task logs each) */
  steps: z.array(z.string()),
});
export type QdevicePlan = z.infer<typeof QdevicePlan>;

const list = (xs: readonly string[]) => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);
const nodesWord = (n: number) => `${n} node${n === 1 ? '' : 's'}`;
const check = (id: string, title: string, why: string) => ({
  pass: (measured: string): Check => ({ id, status: 'pass', title, measured, why, fix: null }),
  warn: (measured: string, fix: string): Check => ({ id, status: 'warn', title, measured, why, fix }),
  fail: (measured: string, fix: string): Check => ({ id, status: 'fail', title, measured, why, fix }),
});

export const SETUP_STEPS = [
  'initialise qnetd’s certificate authority (corosync-qnetd-certutil -i)',
  'initialise each node’s certificate database with qnetd’s CA (corosync-qdevice-net-certutil -i -c)',
  'request the cluster’s certificate, have qnetd sign it, import it and copy it to every node',
  'write the quorum.device section into corosync.conf (config_version + 1)',
  'start and enable corosync-qdevice on every node, then corosync-cfgtool -R',
  'verify: the Qdevice flag and its vote on every node',
];
export const REMOVE_STEPS = [
  'remove the quorum.device section from corosync.conf (config_version + 1)',
  'stop and disable corosync-qdevice on every node, delete /etc/corosync/qdevice',
  'corosync-cfgtool -R',
  'verify: no QDevice and its vote gone on every node',
];

/**
 * The plan for `action` on this snapshot with the source's facts (null for remove, or when they could not be
 * read: then the checks that need them fail, so nothing runs blind).
 */
export function qdevicePlan(s: ClusterSnapshot, req: Pick<QdeviceRequest, 'action' | 'host' | 'algorithm' | 'force'>, facts: QdeviceFacts | null): QdevicePlan {
  const nodes = s.nodes.map((n) => ({ id: n.id, votes: n.votes }));
  const online = s.nodes.filter((n) => n.state === 'online').map((n) => n.id);
  const count = s.nodes.length;
  const nodeVotes = nodes.reduce((a, n) => a + n.votes, 0);
  const opts = s.cluster.quorumOptions;
  const before = quorumFigures(nodes, online, opts, s.qdevice?.castsVote ? s.qdevice.votes : 0);
  const checks: Check[] = [];

  const allOnline = check('all-online', 'Every node is online', 'The change writes every node’s certificates and corosync.conf and starts the daemon on each: an offline node would come back with another quorum configuration.');
  const offline = s.nodes.filter((n) => n.state !== 'online').map((n) => n.name);
  checks.push(offline.length === 0 ? allOnline.pass(`${nodesWord(count)} online`) : allOnline.fail(`${list(offline)} ${offline.length === 1 ? 'is' : 'are'} not online`, 'Bring every node online first (Proxmox refuses with offline nodes).'));

  if (req.action === 'remove') {
    const present = check('qdevice-present', 'A QDevice is configured', 'There is nothing to remove otherwise.');
    checks.push(s.qdevice ? present.pass(`QDevice ${s.qdevice.algorithm} at ${s.qdevice.host ?? 'its host'} with ${s.qdevice.votes} vote${s.qdevice.votes === 1 ? '' : 's'}`) : present.fail('no QDevice is configured', 'Nothing to do.'));
    const after = quorumFigures(nodes, online, opts, 0);
    const margin = after.nodesCanLose;
    const risk = check('quorum-after', 'Quorum holds without the QDevice', 'Without its vote an even split has no winner and a two-node cluster cannot lose a node.');
    checks.push(after.quorate ? (margin === 0 && count > 1 ? risk.warn(`after removal no node can fail (expected ${after.expectedVotes}, needed ${after.quorum})`, 'Remove it only for a change that needs it (Proxmox: before adding or removing nodes), and set it up again afterwards.') : risk.pass(`expected ${after.expectedVotes}, needed ${after.quorum}: can lose ${nodesWord(margin)}`)) : risk.fail(`the cluster would not be quorate: ${after.totalVotes} of ${after.expectedVotes} votes, ${after.quorum} needed`, 'Bring nodes back first.'));
    return { action: 'remove', host: s.qdevice?.host ?? null, algorithm: s.qdevice?.algorithm ?? null, votes: 0, checks, before, after, sentence: sentenceOf(count, before, after), steps: [...REMOVE_STEPS] };
  }

  const algorithm = req.algorithm ?? 'ffsplit';
  const host = req.host ?? null;
  // lms: the device's votes default to node_expected_votes − 1; ffsplit: 1
  const votes = algorithm === 'lms' ? Math.max(1, nodeVotes - 1) : 1;
  const after = quorumFigures(nodes, online, opts, votes);

  const none = check('no-qdevice-yet', 'No QDevice yet', 'A cluster has one QDevice; a second setup would overwrite the first one’s certificates.');
  checks.push(s.qdevice ? none.fail(`QDevice already configured at ${s.qdevice.host ?? 'a host'}`, 'Remove it first (pvecm qdevice remove), then set up the new one.') : none.pass('none configured'));

  const alg = check('algorithm', 'The algorithm fits the node count', 'ffsplit gives one vote to the larger half (even node counts); lms gives N−1 votes so one node can hold quorum alone — Proxmox discourages it and any QDevice on odd node counts: if qnetd fails, no node may fail, and HA recovery can overload the survivor.');
  const even = count % 2 === 0;
  if (algorithm === 'ffsplit' && even) checks.push(alg.pass(`ffsplit on ${nodesWord(count)} (even)`));
  else if (req.force) checks.push(alg.warn(`${algorithm} on ${nodesWord(count)}${even ? '' : ' (odd)'}, forced`, even ? 'Prefer ffsplit on an even node count.' : 'Prefer no QDevice on an odd node count: add or remove a node instead.'));
  else checks.push(alg.fail(`${algorithm} on ${nodesWord(count)}${even ? '' : ' (odd)'}`, even ? 'Use ffsplit (or force lms, knowing the risk).' : 'An odd node count needs no QDevice; Proxmox asks for --force: tick “force” to go on anyway.'));

  const incompatible = check('options', 'No option the QDevice cannot work with', 'votequorum disables a QDevice together with last_man_standing or auto_tie_breaker; two_node is replaced by the QDevice’s vote.');
  const bad = [opts.lastManStanding && 'last_man_standing', opts.autoTieBreaker && 'auto_tie_breaker'].filter((x): x is string => typeof x === 'string');
  checks.push(bad.length > 0 ? incompatible.fail(`${list(bad)} on`, `Turn ${list(bad)} off in corosync.conf first.`) : opts.twoNode ? incompatible.warn('two_node is on', 'Remove two_node from corosync.conf with the QDevice: its vote does the tie-breaking.') : incompatible.pass('none of last_man_standing, auto_tie_breaker, two_node'));

  const votesCheck = check('one-vote-each', 'One vote per node', 'ffsplit and lms both assume every node has exactly one vote.');
  const odd = s.nodes.filter((n) => n.votes !== 1).map((n) => `${n.name} (${n.votes})`);
  checks.push(odd.length === 0 ? votesCheck.pass('every node has 1 vote') : votesCheck.fail(`${list(odd)}`, 'Give every node one vote (quorum_votes: 1) first.'));

  const pkg = check('qdevice-package', 'corosync-qdevice on every node', 'The daemon that talks to qnetd runs on each node: apt install corosync-qdevice.');
  const port = check('qnetd-port', `qnetd reachable on TCP ${QDEVICE_PORT} from every node`, 'Each node’s corosync-qdevice holds a TLS connection to qnetd; a node that cannot reach it cannot get the device’s vote.');
  const running = check('qnetd-running', 'corosync-qnetd runs on the host', 'The external vote comes from corosync-qnetd (apt install corosync-qnetd on the host).');
  if (!facts) {
    for (const c of [pkg, port]) checks.push(c.fail('not measured (the source gave no facts)', 'Try again; check the nodes can be reached.'));
  } else {
    const unknown = facts.nodes.filter((n) => isUnmeasured(n.qdevicePackage));
    const missing = facts.nodes.filter((n) => n.qdevicePackage === false).map((n) => n.name);
    checks.push(missing.length > 0 ? pkg.fail(`missing on ${list(missing)}`, `apt install corosync-qdevice on ${list(missing)}.`) : unknown.length > 0 ? pkg.warn(`not checked on ${list(unknown.map((n) => n.name))}`, 'Check with: dpkg -s corosync-qdevice.') : pkg.pass(`installed on ${nodesWord(facts.nodes.length)}`));
    const failed = facts.nodes.flatMap((n) => (isUnmeasured(n.qnetdPort) ? [] : n.qnetdPort.ok ? [] : [`${n.name}: ${n.qnetdPort.detail}`]));
    const unprobed = facts.nodes.filter((n) => isUnmeasured(n.qnetdPort)).map((n) => n.name);
    checks.push(failed.length > 0 ? port.fail(failed.join('; '), `Open TCP ${QDEVICE_PORT} from every node to ${host} (firewall, routing), and check qnetd listens.`) : unprobed.length > 0 ? port.warn(`not probed from ${list(unprobed)}`, `Check from each node: nc -zv ${host} ${QDEVICE_PORT}`) : port.pass(`${list(facts.nodes.map((n) => n.name))} reach ${host}:${QDEVICE_PORT}`));
    checks.push(isUnmeasured(facts.qnetdRunning) ? running.warn(`not checked: ${facts.qnetdRunning.unmeasured}`, 'Check on the host: systemctl status corosync-qnetd.') : facts.qnetdRunning ? running.pass(`corosync-qnetd runs on ${host}`) : running.fail(`corosync-qnetd does not run on ${host}`, 'apt install corosync-qnetd on the host and start it.'));
  }
  return { action: 'setup', host, algorithm, votes, checks, before, after, sentence: sentenceOf(count, before, after), steps: [...SETUP_STEPS] };
}

function sentenceOf(count: number, before: QuorumFigures, after: QuorumFigures): string {
  return `${nodesWord(count)}: expected votes ${before.expectedVotes} → ${after.expectedVotes}, needed ${before.quorum} → ${after.quorum}, can lose ${before.nodesCanLose} → ${after.nodesCanLose}`;
}

/** 200 of a QDevice dry run */
export const QdeviceDryRunResponse = z.object({ ok: z.literal(true), dryRun: z.literal(true), plan: QdevicePlan });
export type QdeviceDryRunResponse = z.infer<typeof QdeviceDryRunResponse>;
