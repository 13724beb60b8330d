// Issue 8 on real Corosync (root): the moments right after a change, and every votequorum mode.
//  - restart the lowest-id node of a quorate 3- and 5-node lab: no quorum-lost, node-left or
//    partition-changed event, the headline quorate at every 250 ms poll;
//  - a 2|3 split with pve1 on the minority side: the headline is the quorate side;
//  - 30 % loss on one node for a minute: no early warning unless Corosync then drops the node;
//  - auto_tie_breaker 2|2, last_man_standing down to 2, two_node, weighted votes: after settling the
//    dashboard agrees with `corosync-quorumtool -s` on every node.
import { parseQuorumtoolStatus, toQuorumState } from '@quorate/corosync';
import { Lab, down, labAvailable, type UpOptions } from '@quorate/lab';
import { ClusterSnapshot, carryForwardKnown, diffSnapshots, expectedVotesOrigin, type EventDraft, type QuorumState } from '@quorate/model';
import { afterEach, describe, expect, it } from 'vitest';
import { NetnsRunner } from '../runners';
import { createLabSource } from '../lab/source';
import { createCorosyncSource, type CorosyncSource } from './source';
import { SETTLE_MS, expectedDropMs } from './warnings';

const avail = await labAvailable().catch((err: unknown) => ({ ok: false, reason: String(err) }));
const onCi = process.env.CI === 'true';
const tag = Date.now().toString(36).slice(-5);
const log = (prefix: string, line: string) => console.log(`[transitions ${prefix}] ${line}`);

interface Rig {
  prefix: string;
  lab: Lab;
  source: CorosyncSource;
  snaps: { at: number; s: ClusterSnapshot }[];
  events: { at: number; e: EventDraft }[];
  stop(): Promise<void>;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.stop();
});

async function rig(name: string, opts: Omit<UpOptions, 'prefix'>): Promise<Rig> {
  const prefix = `t${name}${tag}`.slice(0, 12);
  const lab = await Lab.up({ token: 1000, ...opts, prefix });
  const source = await createLabSource(lab.state, { log: (l) => log(prefix, l) });
  const snaps: Rig['snaps'] = [];
  const events: Rig['events'] = [];
  let baseline: ClusterSnapshot | null = null;
  // what the BFF's collector does with each snapshot
  source.subscribe((raw) => {
    const s = ClusterSnapshot.parse(raw);
    const at = performance.now();
    snaps.push({ at, s });
    for (const e of diffSnapshots(baseline, s)) {
      events.push({ at, e });
      log(prefix, `event: ${e.message}`);
      // what every node said at that moment (for a quorum change or a new observer)
      if (e.body.type === 'quorum-lost' || e.body.type === 'observer-changed')
        log(prefix, `  views: ${s.views.map((v) => `${v.name} ${v.reachable ? `ring ${v.quorum?.ringId} [${v.quorum?.members.join(',')}] ${v.quorum?.quorate ? 'quorate' : 'NOT quorate'}` : `unreachable (${v.reason})`}`).join('; ')}`);
    }
    baseline = carryForwardKnown(baseline, s);
  });
  await source.start();
  const r: Rig = {
    prefix,
    lab,
    source,
    snaps,
    events,
    async stop() {
      await source.stop().catch(() => undefined);
      await down(prefix).catch((err: unknown) => console.error(`cleanup of ${prefix} failed:`, err));
    },
  };
  rigs.push(r);
  return r;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const current = (r: Rig) => ClusterSnapshot.parse(r.source.current());

async function until(what: string, pred: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await pred()) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await sleep(100);
  }
}

const headlineMembers = (r: Rig) => r.source.current()?.quorum?.members.join(',') ?? '';

/** What each running node's `corosync-quorumtool -s` says, parsed like the source parses it. */
async function corosyncSays(r: Rig): Promise<Map<string, QuorumState>> {
  const out = new Map<string, QuorumState>();
  for (const n of r.lab.state.nodes) {
    const res = await new NetnsRunner(n.namespace).run('corosync-quorumtool', ['-s'], { timeoutMs: 3_000 });
    if (res.code !== 0 && res.code !== 2) continue; // not running
    const parsed = parseQuorumtoolStatus(res.stdout);
    const q = parsed.ok ? toQuorumState(parsed.value) : null;
    if (q) out.set(n.name, q);
  }
  return out;
}

const essentials = (q: QuorumState | null | undefined) =>
  q ? { quorate: q.quorate, members: [...q.members].sort((a, b) => a - b), totalVotes: q.totalVotes, expectedVotes: q.expectedVotes, quorum: q.quorum } : null;

/** After settling, every running node's view on the dashboard equals what that node's Corosync prints. */
async function agreesWithCorosync(r: Rig, timeoutMs = 30_000): Promise<Map<string, QuorumState>> {
  let last = '';
  let says = new Map<string, QuorumState>();
  try {
    await until(
      'the dashboard to agree with corosync-quorumtool -s on every node',
      async () => {
        says = await corosyncSays(r);
        const s = current(r);
        const diffs: string[] = [];
        for (const [name, q] of says) {
          const v = s.views.find((x) => x.name === name);
          const a = JSON.stringify(essentials(v?.quorum));
          const b = JSON.stringify(essentials(q));
          if (a !== b) diffs.push(`${name}: dashboard ${a} vs corosync ${b}`);
        }
        last = diffs.join('; ');
        return diffs.length === 0 && says.size > 0;
      },
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${last}`);
  }
  return says;
}

const typesAfter = (r: Rig, t: number) => r.events.filter((x) => x.at >= t).map((x) => x.e.body.type);

if (!avail.ok && onCi) {
  describe('transitions on the lab (CI)', () => {
    it('can run the real-Corosync lab', () => {
      throw new Error(`CI=true but the lab cannot run here: ${avail.reason}`);
    });
  });
} else if (!avail.ok) {
  describe.skip(`transitions on the lab (skipped: ${avail.reason})`, () => {
    it('needs root and corosync', () => {});
  });
} else {
  describe('transitions on real Corosync', () => {
    for (const nodes of [3, 5]) {
      it(`restarting the lowest-id node of a quorate ${nodes}-node lab: no quorum-lost, node-left or partition event; quorate throughout`, async () => {
        const r = await rig(`r${nodes}`, { nodes });
        await agreesWithCorosync(r);
        await r.lab.fault('pve1', { kind: 'stop' });
        const rest = Array.from({ length: nodes - 1 }, (_, i) => i + 2).join(',');
        await until('pve1 gone from the headline', () => headlineMembers(r) === rest);
        await sleep(1_000);
        const t = performance.now();
        let polls = 0;
        const notQuorate: string[] = [];
        let polling = true;
        const poller = (async () => {
          while (polling) {
            const q = r.source.current()?.quorum;
            polls++;
            if (!q?.quorate) notQuorate.push(JSON.stringify(q));
            await sleep(250);
          }
        })();
        await r.lab.fault('pve1', { kind: 'start' });
        const all = Array.from({ length: nodes }, (_, i) => i + 1).join(',');
        await until('pve1 back in the headline', () => headlineMembers(r) === all);
        await agreesWithCorosync(r);
        await sleep(2_000);
        polling = false;
        await poller;
        const types = typesAfter(r, t);
        log(r.prefix, `after the start: ${types.join(', ')} (${polls} polls)`);
        expect(types).not.toContain('quorum-lost');
        expect(types).not.toContain('node-left');
        expect(types).not.toContain('partition-changed');
        expect(types).toContain('node-joined');
        expect(notQuorate).toEqual([]);
        expect(polls).toBeGreaterThan(4);
      });
    }

    it('a 2|3 split with pve1 on the minority side: the headline is the quorate side', async () => {
      const r = await rig('split', { nodes: 5 });
      await agreesWithCorosync(r);
      const t = performance.now();
      await r.lab.partition(['pve1,pve2', 'pve3,pve4,pve5']);
      await until('the quorate side in the headline', () => headlineMembers(r) === '3,4,5' && current(r).partitioned);
      const says = await agreesWithCorosync(r);
      expect(essentials(says.get('pve1'))).toMatchObject({ quorate: false, members: [1, 2] });
      const s = current(r);
      expect(s.quorum).toMatchObject({ quorate: true, members: [3, 4, 5] });
      expect(['pve3', 'pve4', 'pve5']).toContain(s.observer?.name);
      expect(s.nodes.filter((n) => n.state === 'offline').map((n) => n.name)).toEqual(['pve1', 'pve2']);
      expect(typesAfter(r, t)).not.toContain('quorum-lost');
      await r.lab.heal();
      await until('healed', () => headlineMembers(r) === '1,2,3,4,5' && !current(r).partitioned);
      await agreesWithCorosync(r);
    });

    it('30 % loss on one node for a minute: no early warning unless Corosync then drops the node', async () => {
      const r = await rig('loss', { nodes: 3 });
      await agreesWithCorosync(r);
      await sleep(2_000);
      const t = performance.now();
      await r.lab.fault('pve3', { kind: 'loss', percent: 30 });
      await sleep(60_000);
      await r.lab.fault('pve3', { kind: 'loss', percent: 0 });
      await sleep(expectedDropMs(1650) + 3_000);
      const after = r.events.filter((x) => x.at >= t);
      const warnings = after.filter((x) => x.e.body.type === 'node-unreachable-warning' && !(x.e.body as { revised?: boolean }).revised);
      const drops = after.filter((x) => x.e.body.type === 'node-left' && (x.e.body as { name: string }).name === 'pve3');
      log(r.prefix, `under 30 % loss: ${warnings.length} warning(s), ${drops.length} drop(s) of pve3: ${after.map((x) => x.e.body.type).join(', ')}`);
      for (const w of warnings) {
        const dropped = drops.some((d) => d.at >= w.at && d.at - w.at <= expectedDropMs(1650) + 3_000);
        expect(dropped, `warning at +${Math.round(w.at - t)} ms not followed by a drop`).toBe(true);
      }
      await agreesWithCorosync(r);
    });

    it('auto_tie_breaker, 4 nodes split 2|2: the warning forecasts kept on the tie-breaker side and lost on the other; then both agree with Corosync', async () => {
      const r = await rig('atb', { nodes: 4, quorum: { autoTieBreaker: true } });
      // the other side, seen by a source of its own (its observer is pve3)
      const other = createCorosyncSource({
        clusterId: 'other',
        kind: 'lab',
        nodes: r.lab.state.nodes.filter((n) => n.nodeid >= 3).map((n) => ({ name: n.name, nodeId: n.nodeid, runner: new NetnsRunner(n.namespace) })),
      });
      // the forecast once both nodes of the tie-breaker side are warned about (with one of them only,
      // 3 of 4 votes would remain: kept, rightly)
      let otherForecast: boolean[] | null = null;
      other.subscribe((s) => {
        if (s.warnings.length === 2) otherForecast ??= s.warnings.map((w) => w.quorateAfterDrop);
      });
      await other.start();
      try {
        await agreesWithCorosync(r);
        // the observers have watched their links long enough to judge a cut
        await sleep(SETTLE_MS + 1_000);
        await r.lab.partition(['pve1,pve2', 'pve3,pve4']);
        await until('the early warning on the tie-breaker side', () => (r.source.current()?.warnings.length ?? 0) === 2, 20_000);
        expect(current(r).warnings.map((w) => [w.name, w.quorateAfterDrop])).toEqual([
          ['pve3', true],
          ['pve4', true],
        ]);
        await until('the early warning on the other side', () => otherForecast !== null, 20_000);
        expect(otherForecast).toEqual([false, false]);
        await until('the split in the headline', () => headlineMembers(r) === '1,2');
        const says = await agreesWithCorosync(r);
        expect(essentials(says.get('pve1'))).toMatchObject({ quorate: true, members: [1, 2], totalVotes: 2 });
        expect(essentials(says.get('pve3'))).toMatchObject({ quorate: false, members: [3, 4] });
        expect(current(r).quorum?.quorate).toBe(true);
      } finally {
        await other.stop();
      }
    });

    it('last_man_standing, 4 nodes losing nodes one by one past the window down to 2: never "by hand"', async () => {
      const r = await rig('lms', { nodes: 4, quorum: { lastManStanding: true, lastManStandingWindowMs: 3000 } });
      await agreesWithCorosync(r);
      for (const [victim, left] of [
        ['pve4', 3],
        ['pve3', 2],
      ] as const) {
        await r.lab.fault(victim, { kind: 'kill' });
        // the window passes, votequorum recalculates expected votes down to the votes present
        await until(`expected votes ${left}`, () => r.source.current()?.quorum?.expectedVotes === left, 30_000);
        const says = await agreesWithCorosync(r);
        expect(essentials(says.get('pve1'))).toMatchObject({ quorate: true, expectedVotes: left, totalVotes: left });
        const s = current(r);
        const nodes = s.nodes.map((n) => ({ id: n.id, votes: n.votes }));
        expect(expectedVotesOrigin({ options: s.cluster.quorumOptions, nodes, qdevice: null, observed: s.quorum! })).toBe('last-man-standing');
      }
    });

    it('two_node losing one node: the other stays quorate, as Corosync says', async () => {
      const r = await rig('two', { nodes: 2, quorum: { twoNode: true } });
      await agreesWithCorosync(r);
      await r.lab.fault('pve2', { kind: 'kill' });
      await until('pve2 gone', () => headlineMembers(r) === '1');
      const says = await agreesWithCorosync(r);
      expect(essentials(says.get('pve1'))).toMatchObject({ quorate: true, members: [1] });
      expect(current(r).quorum?.flags).toContain('2Node');
    });

    it('weighted votes (pve3=2) losing pve3: quorum lost, as Corosync says', async () => {
      const r = await rig('w', { nodes: 3, votes: { 3: 2 } });
      await agreesWithCorosync(r);
      expect(current(r).quorum).toMatchObject({ expectedVotes: 4, totalVotes: 4, quorum: 3 });
      const t = performance.now();
      await r.lab.fault('pve3', { kind: 'kill' });
      await until('pve3 gone', () => headlineMembers(r) === '1,2');
      const says = await agreesWithCorosync(r);
      expect(essentials(says.get('pve1'))).toMatchObject({ quorate: false, totalVotes: 2, quorum: 3 });
      expect(typesAfter(r, t)).toContain('quorum-lost');
    });
  });
}
