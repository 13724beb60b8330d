// The pve source: polls one cluster's API (once per cluster, whatever the number of browsers) and builds
// the snapshot (build.ts). Cadence:
//   - /cluster/status every 2 s;
//   - /cluster/resources, the QDevice, HA (/cluster/ha/status/current) and Ceph (/cluster/ceph/status) every
//     10 s — Ceph every 5 minutes once it answered "not installed / not configured" (no Ceph here);
//   - the configuration (/cluster/config/nodes, /cluster/config/totem, /storage, /access/permissions) every
//     30 s, and with it, for ONLINE nodes only, /nodes/{node}/status (versions) and /nodes/{node}/storage
//     (active), at most 4 calls at once, each under the transport's hard timeout. That round runs beside the
//     status poll (never delaying it); its answers are kept until the next round, a node that fails (595/596:
//     the answering node cannot reach it) loses its values until it answers again.
// On errors the status poll backs off (doubling, up to 30 s); health says why in words (DNS, refused,
// timeout, TLS mismatch with both fingerprints, 401, 403 naming the privilege). An HTTP error on a part
// (403, 500) clears that part (null, listed in `unavailable`); no answer at all keeps its last data. The
// same code runs on a replay directory.
import type { ClusterSnapshot, NodeResources } from '@quorate/model';
import { phaseOf, untilSlot } from '../phase';
import type { ClusterSource, SnapshotListener, SourceCapabilities, SourceHealth } from '../source';
import { Subscribable } from '../subscribable';
import { buildSnapshot, type PartFailure, type PveReplies } from './build';
import { PveClient } from './client';
import { StatusRow } from './schemas';
import { PveError } from './transport';

export interface PveIntervals {
  statusMs: number;
  resourcesMs: number;
  configMs: number;
  /** how often to ask /cluster/ceph/status again once it said Ceph is not installed */
  noCephMs: number;
  /** the longest back-off of the status poll */
  maxBackoffMs: number;
}

export const DEFAULT_INTERVALS: PveIntervals = { statusMs: 2000, resourcesMs: 10_000, configMs: 30_000, noCephMs: 300_000, maxBackoffMs: 30_000 };

/** per-node calls in flight at once */
export const NODE_CONCURRENCY = 4;

type Part = 'configNodes' | 'qdevice' | 'totem' | 'resources' | 'ha' | 'ceph' | 'storageConfig' | 'permissions';
const PATHS: Record<Part, string> = {
  configNodes: 'cluster/config/nodes',
  qdevice: 'cluster/config/qdevice',
  totem: 'cluster/config/totem',
  resources: 'cluster/resources',
  ha: 'cluster/ha/status/current',
  ceph: 'cluster/ceph/status',
  storageConfig: 'storage',
  permissions: 'access/permissions',
};
const EVERY: Record<Part, 'resourcesMs' | 'configMs'> = {
  configNodes: 'configMs',
  totem: 'configMs',
  storageConfig: 'configMs',
  permissions: 'configMs',
  qdevice: 'resourcesMs',
  resources: 'resourcesMs',
  ha: 'resourcesMs',
  ceph: 'resourcesMs',
};
const PARTS = Object.keys(PATHS) as Part[];
type NodePart = 'status' | 'storage';
const NODE_PARTS: NodePart[] = ['status', 'storage'];

const UNKNOWN_RESOURCES: NodeResources = { cpu: null, cpus: null, memUsedBytes: null, memTotalBytes: null, uptimeS: null, pveVersion: null, kernel: null, guests: null, haLrm: null };

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** pveceph's refusals when Ceph is not set up here (PVE/Ceph/Tools.pm check_ceph_*): no Ceph, not a fault */
const NO_CEPH = /not installed|not initialized|not enabled|not (fully )?configured|rados_connect failed - No such file/i;

type Fetched = { data: unknown } | { failure: PartFailure } | { absent: true };

/** one GET: its data (undefined for 404), the failure (HTTP status when there was an answer), or Ceph absent */
async function fetchPath(client: PveClient, path: string): Promise<Fetched> {
  try {
    return { data: await client.get(path, { allowMissing: true }) };
  } catch (err) {
    const status = err instanceof PveError ? (err.detail.status ?? null) : null;
    if (path === PATHS.ceph && status !== null && status !== 403 && NO_CEPH.test(messageOf(err))) return { absent: true };
    return { failure: { path, status, message: messageOf(err) } };
  }
}

/** the nodes /cluster/status says are online (per-node calls go only to them: 595 otherwise) */
export function onlineNodes(status: unknown): string[] {
  if (!Array.isArray(status)) return [];
  return status.flatMap((r) => {
    const p = StatusRow.safeParse(r);
    return p.success && p.data.type === 'node' && p.data.online === true ? [p.data.name] : [];
  });
}

/** run fn over items, at most `limit` at once */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** the per-node calls for these nodes: status and storage, bounded */
async function fetchNodes(client: PveClient, nodes: readonly string[]): Promise<{ node: string; part: NodePart; result: Fetched }[]> {
  const jobs = nodes.flatMap((node) => NODE_PARTS.map((part) => ({ node, part })));
  const out: { node: string; part: NodePart; result: Fetched }[] = [];
  await mapLimit(jobs, NODE_CONCURRENCY, async (j) => {
    out.push({ ...j, result: await fetchPath(client, `nodes/${encodeURIComponent(j.node)}/${j.part}`) });
  });
  return out;
}

/** every endpoint the source reads, once (the CLI, a recording, tests): the snapshot the source would build */
export async function observeOnce(client: PveClient, ctx: { clusterId: string; name: string; now?: () => number }): Promise<{ snapshot: ClusterSnapshot; notes: string[] }> {
  const status = await client.get('cluster/status');
  const replies: PveReplies = { status };
  const failures: PartFailure[] = [];
  for (const part of PARTS) {
    const r = await fetchPath(client, PATHS[part]);
    if ('data' in r) replies[part] = r.data;
    else if ('failure' in r) failures.push(r.failure);
  }
  const nodeStatus = new Map<string, unknown>();
  const nodeStorage = new Map<string, unknown>();
  for (const { node, part, result } of await fetchNodes(client, onlineNodes(status))) {
    if ('data' in result && result.data !== undefined) (part === 'status' ? nodeStatus : nodeStorage).set(node, result.data);
    else if ('failure' in result) failures.push(result.failure);
  }
  replies.nodeStatus = nodeStatus;
  replies.nodeStorage = nodeStorage;
  replies.failures = failures;
  const built = buildSnapshot(replies, { clusterId: ctx.clusterId, name: ctx.name, observedAt: (ctx.now ?? Date.now)() });
  return { snapshot: built.snapshot, notes: [...failures.filter((f) => !f.path.startsWith('nodes/')).map((f) => `${f.path}: ${f.message}`), ...built.notes] };
}

export interface PveSourceOptions {
  clusterId: string;
  name: string;
  client: PveClient;
  intervals?: Partial<PveIntervals>;
  log?: (line: string) => void;
  now?: () => number;
  /** join, create, delnode over the API (kind.ts: only over HTTPS, a replay directory changes nothing) */
  capabilities?: SourceCapabilities;
}

export class PveSource implements ClusterSource {
  readonly kind = 'pve' as const;
  readonly clusterId: string;
  readonly capabilities: SourceCapabilities;
  private readonly listeners = new Subscribable<ClusterSnapshot>();
  private readonly intervals: PveIntervals;
  private readonly now: () => number;
  private last: ClusterSnapshot | null = null;
  private state: SourceHealth = { state: 'starting', message: null, lastObservedAt: null };
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private failures = 0;
  private readonly parts: PveReplies = { status: undefined };
  private readonly partFailures = new Map<Part, PartFailure>();
  private readonly due = new Map<Part, number>();
  /** per-node answers, kept between rounds */
  private readonly nodeData: Record<NodePart, Map<string, unknown>> = { status: new Map(), storage: new Map() };
  private readonly nodeFailures = new Map<string, PartFailure>();
  private nodesDue = 0;
  private nodeRound: Promise<void> | null = null;
  private readonly since = new Map<string, number>();
  private readonly lastState = new Map<string, string>();
  private lastNotes = '';

  constructor(private readonly opts: PveSourceOptions) {
    this.clusterId = opts.clusterId;
    this.capabilities = opts.capabilities ?? {};
    this.intervals = { ...DEFAULT_INTERVALS, ...opts.intervals };
    this.now = opts.now ?? Date.now;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  current(): ClusterSnapshot | null {
    return this.last;
  }

  subscribe(listener: SnapshotListener): () => void {
    return this.listeners.subscribe(listener);
  }

  health(): SourceHealth {
    return { ...this.state };
  }

  /** the per-node round in flight, if any (tests wait for it; the next tick uses its answers) */
  settled(): Promise<void> {
    return this.nodeRound ?? Promise.resolve();
  }

  /** one poll: status always, the other parts when due; exported for tests */
  async tick(): Promise<void> {
    const now = this.now();
    try {
      this.parts.status = await this.opts.client.get('cluster/status');
      this.failures = 0;
    } catch (err) {
      this.failures += 1;
      this.down(err);
      this.schedule();
      return;
    }
    const dueParts = PARTS.filter((p) => (this.due.get(p) ?? 0) <= now);
    await Promise.all(
      dueParts.map(async (p) => {
        const r = await fetchPath(this.opts.client, PATHS[p]);
        this.due.set(p, now + ('absent' in r ? this.intervals.noCephMs : this.intervals[EVERY[p]]));
        if ('failure' in r) {
          this.partFailures.set(p, r.failure);
          // an answer that refuses (403, 500) clears the part; no answer at all keeps the last data
          if (r.failure.status !== null) delete this.parts[p];
          return;
        }
        this.partFailures.delete(p);
        if ('absent' in r || r.data === undefined) delete this.parts[p];
        else this.parts[p] = r.data;
      }),
    );
    if (this.nodesDue <= now && this.nodeRound === null) {
      this.nodesDue = now + this.intervals.configMs;
      this.nodeRound = this.pollNodes(onlineNodes(this.parts.status)).finally(() => {
        this.nodeRound = null;
      });
    }
    this.publish();
    this.schedule();
  }

  private async pollNodes(nodes: string[]): Promise<void> {
    const online = new Set(nodes);
    for (const m of Object.values(this.nodeData)) for (const n of m.keys()) if (!online.has(n)) m.delete(n);
    for (const key of this.nodeFailures.keys()) if (!online.has(key.split('\u0000')[0]!)) this.nodeFailures.delete(key);
    let results: Awaited<ReturnType<typeof fetchNodes>>;
    try {
      results = await fetchNodes(this.opts.client, nodes);
    } catch (err) {
      this.opts.log?.(`per-node poll: ${messageOf(err)}`);
      return;
    }
    for (const { node, part, result } of results) {
      const key = `${node}\u0000${part}`;
      if ('data' in result && result.data !== undefined) {
        this.nodeData[part].set(node, result.data);
        this.nodeFailures.delete(key);
      } else {
        // 595/596 (unreachable from the answering node), 403, 404, timeout: that node's values are not known
        this.nodeData[part].delete(node);
        if ('failure' in result) this.nodeFailures.set(key, result.failure);
        else this.nodeFailures.delete(key);
      }
    }
  }

  private publish(): void {
    const observedAt = this.now();
    const replies: PveReplies = {
      ...this.parts,
      nodeStatus: this.nodeData.status,
      nodeStorage: this.nodeData.storage,
      failures: [...this.partFailures.values(), ...this.nodeFailures.values()],
    };
    const built = buildSnapshot(replies, { clusterId: this.opts.clusterId, name: this.opts.name, observedAt, since: this.since });
    for (const n of built.snapshot.nodes) {
      if (this.lastState.has(n.name) && this.lastState.get(n.name) !== n.state) this.since.set(n.name, observedAt);
      this.lastState.set(n.name, n.state);
    }
    const snapshot = { ...built.snapshot, nodes: built.snapshot.nodes.map((n) => ({ ...n, since: this.since.get(n.name) ?? null })) };
    const notes = built.notes.join('; ');
    if (notes && notes !== this.lastNotes) this.opts.log?.(notes);
    this.lastNotes = notes;
    // the token's permissions only explain other parts: failing to read them is a note, not degraded health
    const problems = [...this.partFailures.values()].filter((f) => f.path !== PATHS.permissions).map((f) => f.message);
    this.state = { state: problems.length > 0 ? 'degraded' : 'ok', message: problems.length > 0 ? problems.join('; ') : null, lastObservedAt: observedAt };
    this.last = snapshot;
    this.listeners.emit(snapshot);
  }

  private down(err: unknown): void {
    const message = err instanceof PveError ? err.message : `unexpected: ${messageOf(err)}`;
    const d = err instanceof PveError && err.kind === 'tls-mismatch' ? err.detail : {};
    const certificate = d.url !== undefined && d.expected !== undefined && d.presented !== undefined ? { url: d.url, pinned: d.expected, presented: d.presented } : undefined;
    this.state = { state: 'down', message, lastObservedAt: this.state.lastObservedAt, ...(certificate ? { certificate } : {}) };
    if (this.last && this.last.observer !== null) {
      // nothing could be asked: keep the configuration, say nothing about who is online
      const prev = this.last;
      // load, versions, guests, HA and Ceph are not known either (stale values would read as current)
      const nodes = prev.nodes.map((n) => ({ ...n, state: 'unknown' as const, ...(n.resources ? { resources: UNKNOWN_RESOURCES } : {}) }));
      this.last = { ...prev, observedAt: this.now(), observer: null, quorum: null, views: [], nodes, storage: prev.storage, ...(prev.ha !== undefined ? { ha: null } : {}), ...(prev.ceph !== undefined ? { ceph: null } : {}) };
      this.listeners.emit(this.last);
    }
  }

  private schedule(): void {
    if (!this.running) return;
    // on the cluster's phase (phase.ts); after failures, backing off
    const delay =
      this.failures === 0
        ? untilSlot(this.now(), phaseOf(this.clusterId, this.intervals.statusMs), this.intervals.statusMs)
        : Math.min(this.intervals.maxBackoffMs, this.intervals.statusMs * 2 ** this.failures);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, delay);
    this.timer.unref?.();
  }
}
