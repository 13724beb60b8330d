// `corosync-quorumtool -e N` (what `pvecm expected N` runs) on one node, its output kept as the task log.
// Corosync itself decides whether N is allowed (it refuses less than the votes present with
// CS_ERR_INVALID_PARAM); its words are passed on as they are, so the dashboard says what corosync said.
import { RunnerError } from '../runners';
import type { NodeWatcher } from './node';
import { runnerErrorReason, timeoutReason } from './reasons';

export interface ExpectedVotesResult {
  /** the node it ran on (the observer) */
  node: string;
  /** the command and what it printed, one entry per line, prefixed with the node's name */
  log: string[];
}

/** The command did not succeed; `log` holds what it printed (for the task log), the message corosync's text. */
export class ExpectedVotesError extends Error {
  override name = 'ExpectedVotesError';

  constructor(
    message: string,
    readonly log: string[],
  ) {
    super(message);
  }
}

// remote output ends up in the task log and the audit trail: keep it bounded
const MAX_LINES = 20;
const MAX_LINE_CHARS = 200;

const linesOf = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .slice(0, MAX_LINES)
    .map((l) => l.slice(0, MAX_LINE_CHARS));

/** how often, and how far apart, a node is asked whether the change has reached it */
const SETTLE_TRIES = 5;
const SETTLE_GAP_MS = 200;

/**
 * Asks the node again until its view shows the new expected votes (votequorum applies the change on
 * every member when its message is delivered, which may be just after the tool returned), then starts
 * its -m watcher afresh (see NodeWatcher.restartMonitor). A node that never shows it (not a member of the
 * observer's partition) got no notification: its watcher is left alone.
 */
async function settle(node: NodeWatcher, n: number): Promise<void> {
  for (let i = 0; i < SETTLE_TRIES; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, SETTLE_GAP_MS));
    await node.reprobe();
    if (node.snapshot().quorum?.expectedVotes === n) {
      node.restartMonitor();
      return;
    }
  }
}

/**
 * Runs the tool on `node` (the observer); afterwards every reachable node in `all` is asked again and its
 * watcher restarted once the change has reached it, so the snapshot shows the change when this resolves.
 */
export async function setExpectedVotesOn(node: NodeWatcher, n: number, timeoutMs: number, all: readonly NodeWatcher[] = [node]): Promise<ExpectedVotesResult> {
  if (!Number.isSafeInteger(n) || n < 1) throw new ExpectedVotesError(`expected votes must be a whole number of at least 1, got ${n}`, []);
  const args = ['-e', String(n)];
  const command = `corosync-quorumtool ${args.join(' ')}`;
  const log = [`${node.name}: ${command}`];
  let r;
  try {
    r = await node.spec.runner.run('corosync-quorumtool', args, { timeoutMs });
  } catch (err) {
    if (!(err instanceof RunnerError)) throw err;
    throw new ExpectedVotesError(`${node.name}: ${command}: ${runnerErrorReason(err)}`, log);
  }
  const out = linesOf(r.stdout);
  const err = linesOf(r.stderr);
  log.push(...[...out, ...err].map((l) => `${node.name}: ${l}`));
  // a timeout: the node's Corosync may be frozen; whether the change was made is unknown
  if (r.timedOut) throw new ExpectedVotesError(`${node.name}: ${command}: ${timeoutReason(timeoutMs)}; whether expected votes changed is unknown`, log);
  if (r.code !== 0) {
    const exit = r.code === null ? `killed by ${r.signal ?? 'a signal'}` : `exit ${r.code}`;
    const said = (err.length > 0 ? err : out).join('; ');
    throw new ExpectedVotesError(said ? `${said} (${node.name}: ${command}, ${exit})` : `${node.name}: ${command} failed (${exit})`, log);
  }
  log.push(`${node.name}: exit 0`);
  // the new expected votes and quorum, from the nodes themselves: the snapshot shows them before this resolves
  await Promise.all(all.filter((w) => w === node || w.reachable).map((w) => settle(w, n)));
  return { node: node.name, log };
}
