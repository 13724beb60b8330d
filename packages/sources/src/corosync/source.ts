// A ClusterSource over real Corosync 3: the namespace lab (kind 'lab', NetnsRunner per node) or a PVE
// cluster over SSH (kind 'ssh', SshRunner per node). One instance per cluster; nothing here runs per subscriber.
import { nodeVotes, plural, type ClusterSnapshot, type ObservedView, type UnreachableWarning } from '@quorate/model';
import type { ClusterSource, SourceHealth } from '../source';
import { Subscribable } from '../subscribable';
import { corosyncAdvisorFacts } from './advisor-facts';
import { sshQdeviceControl } from './qdevice-ssh';
import { sshLinkControl } from './links-ssh';
import { assembleSnapshot, chooseObserver, joiningNodes, qdeviceFrom } from './assemble';
import type { CorosyncConfig } from './config';
import { ExpectedVotesError, setExpectedVotesOn, type ExpectedVotesResult } from './expected-votes';
import { NodeWatcher, type NodeChange, type NodeSnapshot, type NodeSpec } from './node';
import { WarningTracker } from './warnings';

export interface CorosyncSourceOptions {
  clusterId: string;
  /** the dashboard's name for the cluster: shown until a node's corosync.conf could be read */
  clusterName?: string;
  kind: 'lab' | 'ssh';
  nodes: NodeSpec[];
  /**
   * 'watch' (default): a `corosync-quorumtool -m` watcher per node (membership changes the moment Corosync
   * reports them) plus knet polling (links, early warning, liveness).
   * 'poll': the Proxmox GUI's model, for comparison: `corosync-quorumtool -s` on every node every pollMs,
   * nothing else (no watchers, no knet: no link matrix, no early warning).
   */
  mode?: 'watch' | 'poll';
  /** poll mode: how often every node is asked, ms (default 3000) */
  pollMs?: number;
  /** knet poll on the observer (early warning), ms */
  knetPollMs?: number;
  /** knet poll on the other nodes (link matrix, liveness), ms */
  peerPollMs?: number;
  /** every tool call is killed after this long (a frozen Corosync blocks its tools) */
  toolTimeoutMs?: number;
  /** with only latency figures changing, a fresh snapshot at most this often, ms */
  refreshMs?: number;
  /**
   * watch mode: every node is also asked with `corosync-quorumtool -s` this often, ms (default 5000). The
   * -m watcher misses changes that come without a membership change (last_man_standing recalculating
   * expected votes after its window); this catches them.
   */
  statusRefreshMs?: number;
  monitorBackoffMs?: number;
  monitorBackoffMaxMs?: number;
  now?: () => number;
  /** one line per noteworthy event (node unreachable / back, observer moved); never tool output */
  log?: (line: string) => void;
}

export interface CorosyncSource extends ClusterSource {
  readonly kind: 'lab' | 'ssh';
  readonly mode: 'watch' | 'poll';
  /** per-node state, for diagnostics and tests */
  nodeStates(): NodeSnapshot[];
  /**
   * `corosync-quorumtool -e n` (what `pvecm expected n` runs) on the observer node; resolves once that
   * node's view has been asked again. Rejects with ExpectedVotesError carrying corosync's own text
   * (e.g. `Unable to set expected votes: CS_ERR_INVALID_PARAM`) and what the command printed.
   */
  setExpectedVotes(n: number): Promise<ExpectedVotesResult>;
}

/**
 * How long a Corosync alone in a fresh ring of its own counts as joining rather than cut off: it forms
 * that ring at once and merges with the others within about a token timeout (lab: 2-4 s at token 1000).
 */
export function joinGraceMs(runtimeTokenMs: number | null): number {
  return Math.max(3_000, Math.round(2.5 * (runtimeTokenMs ?? 3_000)));
}

export function createCorosyncSource(options: CorosyncSourceOptions): CorosyncSource {
  if (options.nodes.length === 0) throw new Error('createCorosyncSource: at least one node is required');
  const names = new Set(options.nodes.map((n) => n.name));
  if (names.size !== options.nodes.length) throw new Error('createCorosyncSource: node names must be unique');
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const knetPollMs = options.knetPollMs ?? 250;
  const peerPollMs = options.peerPollMs ?? 1_000;
  const refreshMs = options.refreshMs ?? 2_000;
  const toolTimeoutMs = options.toolTimeoutMs ?? 3_000;
  const statusRefreshMs = options.statusRefreshMs ?? 5_000;
  const mode = options.mode ?? 'watch';
  const pollMs = options.pollMs ?? 3_000;
  if (!Number.isFinite(pollMs) || pollMs < 100) throw new Error(`createCorosyncSource: pollMs must be at least 100, got ${pollMs}`);
  const timing = {
    toolTimeoutMs,
    monitorBackoffMs: options.monitorBackoffMs ?? 200,
    monitorBackoffMaxMs: options.monitorBackoffMaxMs ?? 5_000,
  };

  const listeners = new Subscribable<ClusterSnapshot>((err) => log(`a snapshot listener threw: ${err instanceof Error ? err.message : String(err)}`));
  const tracker = new WarningTracker();
  const since = new Map<number, { state: 'online' | 'offline' | 'unknown'; since: number | null }>();
  const pollTimers = new Map<NodeWatcher, ReturnType<typeof setTimeout>>();
  const refreshTimers = new Map<NodeWatcher, ReturnType<typeof setTimeout>>();
  let latest: ClusterSnapshot | null = null;
  let lastSignature = '';
  let lastEmitAt = 0;
  let lastConfig: CorosyncConfig | null = null;
  let lastObserver: string | null = null;
  /** the last knet sample of each node the tracker has seen */
  const fedSamples = new Map<string, unknown>();
  let warnings: UnreachableWarning[] = [];
  let running = false;
  let ready = false;

  const onChange = (node: NodeWatcher, change: NodeChange) => {
    if (change === 'reachability') {
      const s = node.snapshot();
      log(s.reachable ? `${s.name}: reachable` : `${s.name}: unreachable: ${s.reason ?? 'unknown'}`);
    }
    if (!ready) return;
    // membership and reachability go out at once; a knet sample only when it changes something that
    // matters (a link state, a warning) or the last snapshot is older than refreshMs. In poll mode every
    // answer is a 'membership' change: it goes out only when it changes something (or after refreshMs).
    publish(change === 'reachability' || (change !== 'links' && mode === 'watch'));
  };

  const watchers = options.nodes.map((spec) => new NodeWatcher(spec, timing, now, onChange));
  // real Proxmox nodes (ssh): `pvecm qdevice` and corosync.conf edits through the observer; the lab has its own (tools/lab)
  const remoteNodes = watchers.map((w) => ({ name: w.name, runner: w.spec.runner, online: () => latest?.nodes.find((n) => n.name === w.name)?.state === 'online' }));
  /** the node the dashboard observes through, else any online one: where pvecm and corosync.conf edits run */
  const through = () => remoteNodes.find((n) => n.name === lastObserver && n.online()) ?? remoteNodes.find((n) => n.online()) ?? null;
  const links = options.kind === 'ssh' ? sshLinkControl(remoteNodes, through) : undefined;
  const qdevice = options.kind === 'ssh' ? sshQdeviceControl(remoteNodes, through) : undefined;

  function build(): ClusterSnapshot {
    const nodes = watchers.map((w) => w.snapshot());
    const t = now();
    const known = nodes.find((n) => n.config !== null)?.config ?? lastConfig;
    // a Corosync that just started forms a ring of its own and merges a few seconds later
    const joining = joiningNodes(nodes, t, joinGraceMs(known?.runtimeTokenMs ?? null));
    const observer = chooseObserver(nodes, lastObserver, joining);
    const config = observer?.config ?? known;
    if (config) lastConfig = config;
    const observerName = observer?.name ?? null;
    if (observerName !== lastObserver) {
      const why = observer?.quorum ? ` (${observer.quorum.quorate ? 'quorate' : 'not quorate'}, ${plural(observer.quorum.members.length, 'member')})` : '';
      log(`observer: ${lastObserver ?? 'none'} -> ${observerName ?? 'none'}${why}`);
      lastObserver = observerName;
    }
    // every node's knet history (not only the observer's): a new observer comes with its own
    for (const n of nodes) {
      if (n.knet && n.nodeId !== null && fedSamples.get(n.name) !== n.knet) {
        fedSamples.set(n.name, n.knet);
        tracker.observe(n.nodeId, n.knet, t);
      }
    }
    if (observer && observer.quorum && observer.nodeId !== null && config) {
      const numbered = config.nodelist.filter((e) => e.nodeId !== null);
      const qdevice = qdeviceFrom(observer.status, config, observer.qdeviceNet ?? null);
      const view: ObservedView = {
        options: config.quorumOptions,
        nodes: numbered.map((e) => ({ id: e.nodeId as number, votes: nodeVotes(e.quorumVotes) })),
        qdevice: qdevice ? { votes: qdevice.votes, algorithm: qdevice.algorithm, castsVote: qdevice.castsVote } : null,
        observed: observer.quorum,
      };
      const names = new Map(numbered.map((e) => [e.nodeId as number, e.name ?? `node${e.nodeId}`]));
      warnings = tracker.warnings({ observerId: observer.nodeId, view, runtimeTokenMs: config.runtimeTokenMs, names, now: t });
    } else {
      warnings = [];
    }
    return assembleSnapshot({
      clusterId: options.clusterId,
      kind: options.kind,
      now: t,
      nodes,
      config,
      warnings,
      since,
      observer,
      joining,
      ...(options.clusterName !== undefined ? { clusterName: options.clusterName } : {}),
    });
  }

  /** What makes a snapshot worth sending at once: everything except latency figures and timestamps. */
  function signature(s: ClusterSnapshot): string {
    return JSON.stringify([
      s.observer,
      s.quorum,
      s.nodes.map((n) => [n.id, n.state]),
      s.views.map((v) => [v.name, v.reachable, v.reason, v.quorum]),
      s.links.map((l) => [l.from, l.to, l.link, l.enabled, l.connected, l.downCount]),
      s.warnings.map((w) => [w.nodeId, w.since]),
      s.qdevice,
      s.cluster,
    ]);
  }

  function publish(force: boolean): void {
    if (!running) return;
    const snap = build();
    const sig = signature(snap);
    const t = now();
    if (!force && sig === lastSignature && t - lastEmitAt < refreshMs) return;
    lastSignature = sig;
    lastEmitAt = t;
    latest = snap;
    listeners.emit(snap);
  }

  /** Poll mode: every node on a fixed cadence (one call in flight per node; a slow answer skips ticks). */
  function scheduleStatusPoll(w: NodeWatcher, startedAt: number): void {
    if (!running) return;
    const elapsed = now() - startedAt;
    const wait = pollMs - (elapsed % pollMs);
    const timer = setTimeout(() => {
      void w.pollStatus().finally(() => scheduleStatusPoll(w, startedAt));
    }, wait);
    pollTimers.set(w, timer);
  }

  /** watch mode: a -s now and then besides the -m watcher (see statusRefreshMs) */
  function scheduleStatusRefresh(w: NodeWatcher): void {
    if (!running) return;
    const timer = setTimeout(() => {
      void w.pollStatus().finally(() => scheduleStatusRefresh(w));
    }, statusRefreshMs);
    refreshTimers.set(w, timer);
  }

  function schedulePoll(w: NodeWatcher): void {
    if (!running) return;
    const isObserver = lastObserver === w.name;
    const timer = setTimeout(() => {
      void w.pollKnet().finally(() => schedulePoll(w));
    }, isObserver ? knetPollMs : peerPollMs);
    pollTimers.set(w, timer);
  }

  const self: CorosyncSource = {
    kind: options.kind,
    mode,
    clusterId: options.clusterId,
    get capabilities() {
      return {
        expectedVotes: { setExpectedVotes: (n: number) => self.setExpectedVotes(n) },
        advisorFacts: { advisorFacts: () => corosyncAdvisorFacts(options.nodes) },
        ...(qdevice ? { qdevice } : {}),
        ...(links ? { links } : {}),
      };
    },
    async start() {
      if (running) return;
      running = true;
      ready = false;
      if (mode === 'poll') {
        const startedAt = now();
        await Promise.all(watchers.map((w) => w.start(false)));
        if (!running) return;
        ready = true;
        publish(true);
        for (const w of watchers) scheduleStatusPoll(w, startedAt);
        return;
      }
      await Promise.all(watchers.map((w) => w.start()));
      if (!running) return;
      // the first knet sample right away, so links and warnings are there from the first snapshot on
      await Promise.all(watchers.map((w) => w.pollKnet()));
      if (!running) return;
      ready = true;
      publish(true);
      for (const w of watchers) {
        schedulePoll(w);
        scheduleStatusRefresh(w);
      }
    },
    async stop() {
      running = false;
      ready = false;
      for (const t of [...pollTimers.values(), ...refreshTimers.values()]) clearTimeout(t);
      pollTimers.clear();
      refreshTimers.clear();
      await Promise.all(watchers.map((w) => w.stop()));
    },
    current: () => latest,
    subscribe(listener) {
      return listeners.subscribe(listener);
    },
    health(): SourceHealth {
      const nodes = watchers.map((w) => w.snapshot());
      const lastObservedAt = nodes.reduce<number | null>((m, n) => (n.lastOkAt !== null && (m === null || n.lastOkAt > m) ? n.lastOkAt : m), null);
      if (!ready) return { state: running ? 'starting' : 'down', message: running ? 'asking the nodes' : 'not started', lastObservedAt };
      const bad = nodes.filter((n) => !n.reachable || n.quorum === null);
      const message = bad.length === 0 ? null : bad.map((n) => `${n.name}: ${n.reason ?? 'no view yet'}`).join('; ');
      if (bad.length === nodes.length) return { state: 'down', message, lastObservedAt };
      return { state: bad.length > 0 ? 'degraded' : 'ok', message, lastObservedAt };
    },
    nodeStates: () => watchers.map((w) => w.snapshot()),
    async setExpectedVotes(n) {
      if (!running) throw new ExpectedVotesError('the source is not running: no node to set expected votes on', []);
      // the node whose view the dashboard shows (and whose figures the plan was made from)
      const nodes = watchers.map((w) => w.snapshot());
      const shown = latest?.observer?.name ?? null;
      const observer = nodes.find((x) => x.name === shown && x.reachable && x.quorum !== null) ?? chooseObserver(nodes, lastObserver);
      const watcher = observer && watchers.find((w) => w.name === observer.name);
      if (!watcher) {
        const why = nodes.map((x) => `${x.name}: ${x.reason ?? 'no view yet'}`).join('; ');
        throw new ExpectedVotesError(`no node can be asked to set expected votes (${why})`, []);
      }
      return setExpectedVotesOn(watcher, n, toolTimeoutMs, watchers);
    },
  };
  return self;
}
