// resumeJoin: after a restart a join is followed through the cluster with the source's token. The client is
// a stub that answers as a member proxying to the joining node would: 595 while pve4 is no member yet, then
// its task's log and status. A failed task rejects naming why; an unreadable one (403) is said and left to
// the membership check; a handle that is not a join's is refused.
import { describe, expect, it } from 'vitest';
import type { PveClient } from './client';
import { resumeJoin } from './join-resume';
import { PveError } from './transport';

const UPID = 'UPID:pve4:0000ABCD:00012345:65A1B2C3:clusterjoin::root@pam:';
const BOUNDS = { pollMs: 1, lostContactMs: 2_000, deadlineMs: 5_000 };
const io = () => {
  const lines: string[] = [];
  return { lines, io: { log: (l: string) => lines.push(l), signal: new AbortController().signal } };
};

/** answers `unreachable` times 595, then the task: its log lines and its end */
function cluster(o: { unreachable?: number; lines: string[]; exitstatus: string; refuse?: number }): { client: PveClient; paths: string[] } {
  const paths: string[] = [];
  let calls = 0;
  const client = {
    async get(path: string) {
      paths.push(path);
      if (o.refuse !== undefined) throw new PveError('http', `${o.refuse} Permission check failed`, { status: o.refuse });
      if (calls++ < (o.unreachable ?? 0)) throw new PveError('http', '595 Errors during connection establishment', { status: 595 });
      if (path.includes('/log')) return o.lines.map((t, i) => ({ n: i + 1, t }));
      return { status: 'stopped', exitstatus: o.exitstatus, upid: UPID };
    },
  } as unknown as PveClient;
  return { client, paths };
}

describe('resumeJoin', () => {
  it('rides out 595s until the node is a member, then reads the task through /nodes/pve4/tasks/{upid}', async () => {
    const c = cluster({ unreachable: 3, lines: ['stopping pve-cluster', 'successfully added node pve4 to cluster', 'TASK OK'], exitstatus: 'OK' });
    const { lines, io: taskIo } = io();
    await resumeJoin(c.client, { kind: 'pve-join', node: 'pve4', upid: UPID }, taskIo, BOUNDS);
    expect(c.paths.every((p) => p.startsWith(`nodes/pve4/tasks/${encodeURIComponent(UPID)}/`))).toBe(true);
    expect(lines).toContain('successfully added node pve4 to cluster');
    expect(lines.at(-1)).toBe(`pve4: task ${UPID} ended OK`);
  });

  it('a failed task rejects with its cause', async () => {
    const c = cluster({ lines: ['unable to add node: corosync-cfgtool -R failed', 'TASK ERROR: unable to add node'], exitstatus: 'unable to add node' });
    await expect(resumeJoin(c.client, { kind: 'pve-join', node: 'pve4', upid: UPID }, io().io, BOUNDS)).rejects.toThrow(/the join of pve4 failed: .*corosync-cfgtool -R failed/);
  });

  it('a task the token may not read (403) is said, and the membership decides', async () => {
    const c = cluster({ refuse: 403, lines: [], exitstatus: 'OK' });
    const { lines, io: taskIo } = io();
    await expect(resumeJoin(c.client, { kind: 'pve-join', node: 'pve4', upid: UPID }, taskIo, BOUNDS)).resolves.toBeUndefined();
    expect(lines.at(-1)).toMatch(/the task could not be read through the cluster \(.*403.*\); its result is judged by the cluster's membership/);
  });

  it('refuses a handle that is not a Proxmox join', async () => {
    const c = cluster({ lines: [], exitstatus: 'OK' });
    await expect(resumeJoin(c.client, { kind: 'pve-join', node: 'pve4', upid: 'not-a-upid' }, io().io, BOUNDS)).rejects.toThrow(/no Proxmox task id/);
    expect(c.paths).toEqual([]);
  });
});
