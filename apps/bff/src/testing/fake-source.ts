// A small hand-driven ClusterSource for tests: three nodes, two links, `stop`/`start`/`heal` faults.
import { QuorumOptions, type ClusterSnapshot, type SimFault } from '@quorate/model';
import type { ClusterSource, SnapshotListener, SourceCapabilities, SourceHealth } from '@quorate/sources';

export class FakeFaultError extends Error {
  override name = 'SimFaultError';
}

export class FakeSource implements ClusterSource {
  readonly kind = 'sim' as const;
  /** like the simulator, it takes faults (nothing else) */
  readonly capabilities: SourceCapabilities = { faults: { applyFault: (fault) => this.applyFault(fault) } };
  readonly faults: SimFault[] = [];
  subscribeCalls = 0;
  started = false;
  private listeners = new Set<SnapshotListener>();
  private latest: ClusterSnapshot | null = null;
  private up: Set<string>;
  private clock = 1_700_000_000_000;

  constructor(
    readonly clusterId: string,
    readonly nodeNames: string[] = ['pve1', 'pve2', 'pve3'],
    private readonly observeOnStart = true,
  ) {
    this.up = new Set(nodeNames);
  }

  async start(): Promise<void> {
    this.started = true;
    if (this.observeOnStart) this.observe();
  }
  async stop(): Promise<void> {
    this.started = false;
  }
  current(): ClusterSnapshot | null {
    return this.latest;
  }
  subscribe(listener: SnapshotListener): () => void {
    this.subscribeCalls++;
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  health(): SourceHealth {
    return this.latest
      ? { state: 'ok', message: null, lastObservedAt: this.latest.observedAt }
      : { state: 'starting', message: 'no observation yet', lastObservedAt: null };
  }

  /** like the sim: validate against the cluster, change nothing on error, else observe at once */
  applyFault(fault: SimFault): void {
    if (fault.action === 'stop' || fault.action === 'start' || fault.action === 'shutdown') {
      const unknown = fault.nodes.filter((n) => !this.nodeNames.includes(n));
      if (unknown.length) throw new FakeFaultError(`unknown node '${unknown[0]}' (nodes: ${this.nodeNames.join(', ')})`);
      for (const n of fault.nodes) {
        if (fault.action === 'start') this.up.add(n);
        else this.up.delete(n);
      }
    } else if (fault.action === 'heal') {
      this.up = new Set(this.nodeNames);
    } else if ('node' in fault && !this.nodeNames.includes(fault.node)) {
      throw new FakeFaultError(`unknown node '${fault.node}'`);
    }
    this.faults.push(fault);
    this.observe();
  }

  /** a fresh observation (time moves on, so there is always a patch) */
  observe(): ClusterSnapshot {
    this.clock += 1000;
    const s = fakeSnapshot(this.clusterId, this.nodeNames, this.up, this.clock);
    this.push(s);
    return s;
  }

  /** hand anything to the listeners, valid or not */
  push(raw: unknown): void {
    this.latest = raw as ClusterSnapshot;
    for (const l of this.listeners) l(raw as ClusterSnapshot);
  }

  listenerCount(): number {
    return this.listeners.size;
  }
}

export function fakeSnapshot(clusterId: string, names: string[], up: ReadonlySet<string>, at: number): ClusterSnapshot {
  const nodes = names.map((name, i) => ({
    id: i + 1,
    name,
    votes: 1,
    state: up.has(name) ? ('online' as const) : ('offline' as const),
    addresses: [
      { link: 0, address: `198.18.0.${i + 1}` },
      { link: 1, address: `198.19.0.${i + 1}` },
    ],
    since: null,
  }));
  const online = nodes.filter((n) => n.state === 'online');
  const observer = online[0] ?? null;
  const expected = nodes.length;
  const quorum = Math.floor(expected / 2) + 1;
  const links = nodes.flatMap((a) =>
    nodes
      .filter((b) => b.id !== a.id)
      .flatMap((b) =>
        [0, 1].map((link) => ({
          from: a.id,
          to: b.id,
          link,
          enabled: true,
          connected: a.state === 'online' && b.state === 'online',
          latencyAvgMs: 0.2,
          latencyMaxMs: 0.5,
          lossPct: 0,
          downCount: 0,
        })),
      ),
  );
  const q = {
    expectedVotes: expected,
    highestExpected: expected,
    totalVotes: online.length,
    quorum,
    quorate: online.length >= quorum,
    flags: online.length >= quorum ? (['Quorate'] as const).slice() : [],
    ringId: null,
    members: online.map((n) => n.id),
  };
  return {
    clusterId,
    observedAt: at,
    source: 'sim',
    observer: observer ? { nodeId: observer.id, name: observer.name } : null,
    cluster: {
      name: clusterId,
      configVersion: 3,
      transport: 'knet',
      secureAuth: true,
      // votequorum's defaults, from the schema that defines them
      quorumOptions: QuorumOptions.parse({}),
      tokenMs: 3000,
      runtimeTokenMs: 3650,
    },
    quorum: observer ? q : null,
    nodes,
    links,
    qdevice: null,
    storage: null,
    views: online.map((n) => ({ nodeId: n.id, name: n.name, reachable: true, reason: null, observedAt: at, quorum: q })),
    partitioned: false,
    warnings: [],
  };
}
