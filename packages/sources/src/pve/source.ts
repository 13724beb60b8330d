// The pve source: polls one cluster's API (once per cluster, whatever the number of browsers) and builds
// the snapshot (build.ts). /cluster/status every 2 s, /cluster/resources + the QDevice every 10 s, the
// configuration (/cluster/config/nodes, /cluster/config/totem) every 30 s. On errors the status poll backs
// off (doubling, up to 30 s); health says why in words (DNS, refused, timeout, TLS mismatch with both
// fingerprints, 401, 403 naming the privilege). The same code runs on a replay directory.
import type { ClusterSnapshot } from '@quorate/model';
import type { ClusterSource, SnapshotListener, SourceCapabilities, SourceHealth } from '../source';
import { Subscribable } from '../subscribable';
import { buildSnapshot, type PveReplies } from './build';
import { PveClient } from './client';
import { PveError } from './transport';

export interface PveIntervals {
  statusMs: number;
  resourcesMs: number;
  configMs: number;
  /** the longest back-off of the status poll */
  maxBackoffMs: number;
}

export const DEFAULT_INTERVALS: PveIntervals = { statusMs: 2000, resourcesMs: 10_000, configMs: 30_000, maxBackoffMs: 30_000 };

type Part = 'configNodes' | 'qdevice' | 'totem' | 'resources';
const PATHS: Record<Part, string> = { configNodes: 'cluster/config/nodes', qdevice: 'cluster/config/qdevice', totem: 'cluster/config/totem', resources: 'cluster/resources' };
const EVERY: Record<Part, keyof PveIntervals> = { configNodes: 'configMs', totem: 'configMs', qdevice: 'resourcesMs', resources: 'resourcesMs' };

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** fetch one optional part: its data, undefined for 404, or the error */
async function fetchPart(client: PveClient, part: Part): Promise<{ data: unknown } | { error: string }> {
  try {
    return { data: await client.get(PATHS[part], { allowMissing: true }) };
  } catch (err) {
    return { error: messageOf(err) };
  }
}

/** every endpoint once (the CLI, tests): the snapshot the source would build from this state */
export async function observeOnce(client: PveClient, ctx: { clusterId: string; name: string; now?: () => number }): Promise<{ snapshot: ClusterSnapshot; notes: string[] }> {
  const status = await client.get('cluster/status');
  const replies: PveReplies = { status };
  const notes: string[] = [];
  for (const part of Object.keys(PATHS) as Part[]) {
    const r = await fetchPart(client, part);
    if ('error' in r) notes.push(`${PATHS[part]}: ${r.error}`);
    else replies[part] = r.data;
  }
  const built = buildSnapshot(replies, { clusterId: ctx.clusterId, name: ctx.name, observedAt: (ctx.now ?? Date.now)() });
  return { snapshot: built.snapshot, notes: [...notes, ...built.notes] };
}

export interface PveSourceOptions {
  clusterId: string;
  name: string;
  client: PveClient;
  intervals?: Partial<PveIntervals>;
  log?: (line: string) => void;
  now?: () => number;
}

export class PveSource implements ClusterSource {
  readonly kind = 'pve' as const;
  readonly clusterId: string;
  readonly capabilities: SourceCapabilities = {};
  private readonly listeners = new Subscribable<ClusterSnapshot>();
  private readonly intervals: PveIntervals;
  private readonly now: () => number;
  private last: ClusterSnapshot | null = null;
  private state: SourceHealth = { state: 'starting', message: null, lastObservedAt: null };
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private failures = 0;
  private readonly parts: PveReplies = { status: undefined };
  private readonly partErrors = new Map<Part, string>();
  private readonly due = new Map<Part, number>();
  private readonly since = new Map<string, number>();
  private readonly lastState = new Map<string, string>();
  private lastNotes = '';

  constructor(private readonly opts: PveSourceOptions) {
    this.clusterId = opts.clusterId;
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
    const dueParts = (Object.keys(PATHS) as Part[]).filter((p) => (this.due.get(p) ?? 0) <= now);
    await Promise.all(
      dueParts.map(async (p) => {
        const r = await fetchPart(this.opts.client, p);
        this.due.set(p, now + this.intervals[EVERY[p]]);
        if ('error' in r) this.partErrors.set(p, r.error);
        else {
          this.partErrors.delete(p);
          if (r.data === undefined) delete this.parts[p];
          else this.parts[p] = r.data;
        }
      }),
    );
    const observedAt = this.now();
    const built = buildSnapshot(this.parts, { clusterId: this.opts.clusterId, name: this.opts.name, observedAt, since: this.since });
    for (const n of built.snapshot.nodes) {
      if (this.lastState.has(n.name) && this.lastState.get(n.name) !== n.state) this.since.set(n.name, observedAt);
      this.lastState.set(n.name, n.state);
    }
    const snapshot = { ...built.snapshot, nodes: built.snapshot.nodes.map((n) => ({ ...n, since: this.since.get(n.name) ?? null })) };
    const notes = built.notes.join('; ');
    if (notes && notes !== this.lastNotes) this.opts.log?.(notes);
    this.lastNotes = notes;
    const problems = [...this.partErrors.values()];
    this.state = { state: problems.length > 0 ? 'degraded' : 'ok', message: problems.length > 0 ? problems.join('; ') : null, lastObservedAt: observedAt };
    this.last = snapshot;
    this.listeners.emit(snapshot);
    this.schedule();
  }

  private down(err: unknown): void {
    const message = err instanceof PveError ? err.message : `unexpected: ${messageOf(err)}`;
    this.state = { state: 'down', message, lastObservedAt: this.state.lastObservedAt };
    if (this.last && this.last.observer !== null) {
      // nothing could be asked: keep the configuration, say nothing about who is online
      const prev = this.last;
      this.last = { ...prev, observedAt: this.now(), observer: null, quorum: null, views: [], nodes: prev.nodes.map((n) => ({ ...n, state: 'unknown' as const })), storage: prev.storage };
      this.listeners.emit(this.last);
    }
  }

  private schedule(): void {
    if (!this.running) return;
    const delay = this.failures === 0 ? this.intervals.statusMs : Math.min(this.intervals.maxBackoffMs, this.intervals.statusMs * 2 ** this.failures);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, delay);
    this.timer.unref?.();
  }
}
