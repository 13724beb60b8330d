// Follow a task (UPID) on a node until it stops: its log lines to io.log (each once, in order), then its
// exit status. A join restarts the node's pveproxy with a NEW certificate and replaces its auth key, so the
// follower expects, and rides out within bounds, refused connections, TLS errors, a changed certificate
// (re-pinned only when the cluster lists it as the node's pve_fp, or the task itself announced it) and 401s
// (a new ticket). Bounds: a poll every FOLLOW_BOUNDS.pollMs; at most lostContactMs without an answer; at
// most deadlineMs in all.
import { normalizeFingerprint, PveError } from './transport';
import { scrub } from './scrub';
import { LoginError } from './ticket';
import { TaskLogLine, TaskStatus } from './ops-schemas';
import type { RootSession } from './session';

export interface FollowBounds {
  /** between two polls of status and log, ms */
  pollMs: number;
  /** the longest stretch without an answer from the node (its restart, its quorum wait), ms */
  lostContactMs: number;
  /** the whole task, ms */
  deadlineMs: number;
}
export const FOLLOW_BOUNDS: FollowBounds = { pollMs: 2_000, lostContactMs: 90_000, deadlineMs: 10 * 60_000 };
/** log lines asked for per call */
export const LOG_PAGE = 500;

/** the join's line that proves the node made itself a new certificate (Setup.pm finish_join) */
const ANNOUNCES_NEW_CERT = /generate new node certificate/;

/** what the follower needs of a session: root@pam's (re-login, re-pin) or the source's token (resume.ts) */
export type TaskSession = Pick<RootSession, 'client' | 'dropTicket' | 'repin' | 'where'>;

export interface FollowOptions {
  session: TaskSession;
  /** the node the task runs on (its name in the API paths) */
  node: string;
  upid: string;
  log: (line: string) => void;
  /** the node's certificate as the cluster lists it (GET /cluster/config/join pve_fp); null: not listed */
  listedFingerprint?: () => Promise<string | null>;
  bounds?: Partial<FollowBounds>;
  /** never in a line or an error */
  secrets: readonly (string | undefined)[];
  now?: () => number;
}

export interface TaskOutcome {
  exitstatus: string;
  lines: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** a stopped task succeeded: "OK" or "WARNINGS: n" (UPID.pm status_is_error) */
export const taskSucceeded = (exitstatus: string) => exitstatus === 'OK' || /^WARNINGS: \d+$/.test(exitstatus);

/** the line that says why a task failed: the last error-like line before "TASK ERROR", else the exit status */
export function taskFailure(o: TaskOutcome): string {
  const body = o.lines.filter((l) => !/^TASK (OK|ERROR|WARNINGS)/.test(l));
  const cause = [...body].reverse().find((l) => /error|abort|fail|cannot|can't|unable|not verified|refus|^[*!] /i.test(l));
  const last = o.lines.findLast((l) => l.startsWith('TASK ERROR: '))?.slice('TASK ERROR: '.length) ?? o.exitstatus;
  return cause !== undefined && cause !== last ? `${cause} (${last})` : last;
}

export async function followTask(o: FollowOptions): Promise<TaskOutcome> {
  const b = { ...FOLLOW_BOUNDS, ...o.bounds };
  const now = o.now ?? Date.now;
  const started = now();
  let lastContact = started;
  let lastError = '';
  const lines: string[] = [];
  let lastN = 0;
  const path = `nodes/${encodeURIComponent(o.node)}/tasks/${encodeURIComponent(o.upid)}`;
  const say = (line: string) => o.log(scrub(line, o.secrets));
  const said = new Set<string>();
  const sayOnce = (line: string) => {
    if (!said.has(line)) say(line);
    said.add(line);
  };

  /** the log from the last line seen on: each new line out once */
  const readLog = async (): Promise<number> => {
    const c = await o.session.client();
    const data = await c.get(`${path}/log?start=${lastN}&limit=${LOG_PAGE}`);
    const rows = (Array.isArray(data) ? data : []).flatMap((r) => {
      const p = TaskLogLine.safeParse(r);
      return p.success ? [p.data] : [];
    });
    for (const r of rows.sort((x, y) => x.n - y.n)) {
      if (r.n <= lastN) continue;
      lastN = r.n;
      lines.push(r.t);
      say(r.t);
    }
    return rows.length;
  };

  /** what to do after a failed poll: fix what can be fixed, throw what cannot */
  const recover = async (err: unknown): Promise<void> => {
    lastError = scrub(messageOf(err), o.secrets);
    if (err instanceof LoginError && err.reason !== 'password') throw err;
    if (!(err instanceof PveError)) return; // a refused password while pmxcfs restarts: try again
    if (err.detail.status === 401) {
      o.session.dropTicket();
      sayOnce(`${o.node}: the ticket is no longer valid (401): logging in again as root@pam`);
      return;
    }
    if (err.kind === 'tls-mismatch' && err.detail.presented !== undefined) return repin(err.detail.presented);
    if (err.kind === 'http' && err.detail.status !== undefined && err.detail.status >= 400 && err.detail.status < 500) throw err;
  };

  const repin = async (presented: string): Promise<void> => {
    const listed = o.listedFingerprint ? await o.listedFingerprint().catch(() => null) : null;
    const norm = listed !== null ? normalizeFingerprint(listed) : null;
    if (norm === presented) {
      o.session.repin(presented);
      say(`${o.node} presents a new API certificate ${presented}: re-pinned (the cluster lists it as ${o.node}'s pve_fp in GET /cluster/config/join)`);
      return;
    }
    if (norm !== null) {
      lastError = `${o.node} presents ${presented}, but the cluster lists ${norm} for it: not trusted`;
      sayOnce(lastError);
      return;
    }
    if (lines.some((l) => ANNOUNCES_NEW_CERT.test(l))) {
      o.session.repin(presented);
      say(`${o.node} presents a new API certificate ${presented}; the cluster does not list it yet: trusted for this call only, because the join task announced it ('generate new node certificate')`);
      return;
    }
    lastError = `${o.node} presents another certificate (${presented}) that neither the cluster lists nor the task announced: not trusted`;
    sayOnce(lastError);
  };

  for (;;) {
    try {
      await readLog();
      const c = await o.session.client();
      const st = TaskStatus.safeParse(await c.get(`${path}/status`));
      if (!st.success) throw new PveError('invalid', `GET /${path}/status: not a task status`);
      lastContact = now();
      if (st.data.status === 'stopped') {
        while ((await readLog()) >= LOG_PAGE);
        return { exitstatus: st.data.exitstatus ?? 'unexpected status', lines };
      }
    } catch (err) {
      await recover(err);
      if (now() - lastContact > b.lostContactMs)
        throw new Error(`lost contact with ${o.session.where} for ${Math.round(b.lostContactMs / 1000)} s while following ${o.upid}: ${lastError}. The task may still finish: check the cluster's nodes, and the task log on ${o.node} (/var/log/pve/tasks)`);
    }
    if (now() - started > b.deadlineMs) throw new Error(`${o.upid} on ${o.node} did not finish within ${Math.round(b.deadlineMs / 1000)} s; it may still run: check the task log on ${o.node}`);
    await sleep(b.pollMs);
  }
}
