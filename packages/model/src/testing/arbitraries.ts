// Test helpers for snapshots: fast-check arbitraries (valid per the ClusterSnapshot schema) for property
// tests, and sampleSnapshot(), a healthy cluster to start example tests from. Test-only: not exported
// from the package index, so fast-check never reaches the web bundle.
import fc from 'fast-check';
import type {
  ClusterNode,
  ClusterSnapshot,
  LinkObservation,
  NodeView,
  QDevice,
  QuorumState,
  Storage,
  UnreachableWarning,
} from '../snapshot';

export interface SnapshotArbOptions {
  /** every generated snapshot has this clusterId (default 'c1'), so any two are "of the same cluster" */
  clusterId?: string;
  /** node ids are drawn from 1..maxNodeId (default 6); a small universe makes two snapshots share keys */
  maxNodeId?: number;
  /** link numbers are drawn from 0..maxLink (default 1, at most 7) */
  maxLink?: number;
}

export const nodeName = (id: number): string => `pve${id}`;
const T0 = 1_700_000_000_000;
const STORAGE_IDS = ['local', 'local-lvm', 'ceph-pool', 'nfs-backup'] as const;

// small domains on purpose: equal items across two snapshots must be common, or patches are all upserts
const smallMs = fc.option(fc.integer({ min: 0, max: 3 }), { nil: null });
const nullableBool = fc.option(fc.boolean(), { nil: null });

export const quorumOptionsArb = fc.record({
  expectedVotes: fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
  twoNode: fc.boolean(),
  waitForAll: nullableBool,
  lastManStanding: fc.boolean(),
  lastManStandingWindowMs: fc.constantFrom(10_000, 20_000),
  autoTieBreaker: fc.boolean(),
  autoTieBreakerNode: fc.oneof(
    fc.constantFrom('lowest' as const, 'highest' as const),
    fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }),
  ),
});

export const clusterArb = fc.record({
  name: fc.constantFrom('lab', 'prod'),
  configVersion: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
  transport: fc.constantFrom('knet', null),
  secureAuth: nullableBool,
  quorumOptions: quorumOptionsArb,
  tokenMs: fc.constantFrom(1000, 3000, null),
  runtimeTokenMs: fc.constantFrom(1650, 3650, null),
});

export function quorumArb(ids: readonly number[]): fc.Arbitrary<QuorumState> {
  return fc.record({
    expectedVotes: fc.integer({ min: 0, max: 6 }),
    highestExpected: fc.integer({ min: 0, max: 6 }),
    totalVotes: fc.integer({ min: 0, max: 6 }),
    quorum: fc.integer({ min: 0, max: 4 }),
    quorate: fc.boolean(),
    flags: fc.subarray(['2Node', 'Quorate', 'WaitForAll', 'Qdevice'] as const),
    ringId: fc.constantFrom('1.10', '2.14', null),
    members: fc.subarray([...ids].sort((a, b) => a - b)),
  });
}

export function nodeArb(id: number, maxLink = 1): fc.Arbitrary<ClusterNode> {
  return fc.record({
    id: fc.constant(id),
    name: fc.constant(nodeName(id)),
    votes: fc.integer({ min: 0, max: 2 }),
    state: fc.constantFrom('online' as const, 'offline' as const, 'unknown' as const),
    addresses: fc
      .subarray(Array.from({ length: maxLink + 1 }, (_, link) => link))
      .map((links) => links.map((link) => ({ link, address: `198.18.${link}.${id}` }))),
    since: fc.option(fc.integer({ min: T0, max: T0 + 3 }), { nil: null }),
  });
}

export function linkArb(from: number, to: number, link: number): fc.Arbitrary<LinkObservation> {
  return fc.record({
    from: fc.constant(from),
    to: fc.constant(to),
    link: fc.constant(link),
    enabled: fc.boolean(),
    connected: fc.boolean(),
    latencyAvgMs: smallMs,
    latencyMaxMs: smallMs,
    lossPct: fc.option(fc.constantFrom(0, 50, 100), { nil: null }),
    downCount: fc.integer({ min: 0, max: 2 }),
  });
}

export function viewArb(id: number, ids: readonly number[]): fc.Arbitrary<NodeView> {
  return fc.record({
    nodeId: fc.constant(id),
    name: fc.constant(nodeName(id)),
    reachable: fc.boolean(),
    reason: fc.constantFrom(null, 'timeout'),
    observedAt: fc.integer({ min: T0, max: T0 + 3 }),
    quorum: fc.option(quorumArb(ids), { nil: null }),
  });
}

export function storageArb(id: string, names: readonly string[]): fc.Arbitrary<Storage> {
  return fc.record({
    id: fc.constant(id),
    type: fc.constantFrom('dir', 'lvmthin', 'rbd', 'nfs'),
    content: fc.subarray(['images', 'rootdir', 'iso', 'backup']),
    shared: fc.boolean(),
    nodes: fc.shuffledSubarray([...names]).chain((ns) =>
      fc.tuple(
        ...ns.map((node) =>
          fc.record({
            node: fc.constant(node),
            enabled: fc.boolean(),
            active: fc.boolean(),
            totalBytes: fc.constantFrom(100, 200),
            usedBytes: fc.integer({ min: 0, max: 3 }),
            availBytes: fc.constantFrom(97, 100),
          }),
        ),
      ),
    ),
  });
}

export const qdeviceArb: fc.Arbitrary<QDevice> = fc.record({
  votes: fc.integer({ min: 0, max: 2 }),
  state: fc.constantFrom('connected', 'connecting', 'connect-failed', 'disconnected', 'unknown'),
  algorithm: fc.constantFrom('ffsplit', 'lms'),
  host: fc.constantFrom('198.18.9.1', null),
  castsVote: fc.boolean(),
});

export function warningArb(id: number): fc.Arbitrary<UnreachableWarning> {
  return fc.record({
    nodeId: fc.constant(id),
    name: fc.constant(nodeName(id)),
    since: fc.integer({ min: T0, max: T0 + 3 }),
    expectedDropInMs: fc.constantFrom(0, 1650, 3200),
    quorateAfterDrop: fc.boolean(),
    totalVotesAfterDrop: fc.integer({ min: 0, max: 6 }),
    expectedVotesAfterDrop: fc.integer({ min: 0, max: 6 }),
  });
}

/** fc.tuple over a list of arbitraries, typed as an array */
function all<T>(arbs: fc.Arbitrary<T>[]): fc.Arbitrary<T[]> {
  return fc.tuple(...arbs) as fc.Arbitrary<T[]>;
}

/** Any snapshot valid per the schema, with unique keys (node ids, link from:to:link, view and storage ids), in any order. */
export function snapshotArb(options: SnapshotArbOptions = {}): fc.Arbitrary<ClusterSnapshot> {
  const clusterId = options.clusterId ?? 'c1';
  const maxNodeId = options.maxNodeId ?? 6;
  const maxLink = Math.min(options.maxLink ?? 1, 7);
  return fc.uniqueArray(fc.integer({ min: 1, max: maxNodeId }), { maxLength: maxNodeId }).chain((ids) => {
    const names = ids.map(nodeName);
    const linkKeys: [number, number, number][] = [];
    for (const from of ids) for (const to of ids) if (from !== to) for (let l = 0; l <= maxLink; l++) linkKeys.push([from, to, l]);
    return fc.record({
      clusterId: fc.constant(clusterId),
      observedAt: fc.integer({ min: T0, max: T0 + 3 }),
      source: fc.constantFrom('sim' as const, 'lab' as const, 'ssh' as const, 'pve' as const),
      observer: ids.length === 0 ? fc.constant(null) : fc.option(fc.constantFrom(...ids).map((id) => ({ nodeId: id, name: nodeName(id) })), { nil: null }),
      cluster: clusterArb,
      quorum: fc.option(quorumArb(ids), { nil: null }),
      nodes: fc.shuffledSubarray(ids, { minLength: ids.length }).chain((order) => all(order.map((id) => nodeArb(id, maxLink)))),
      links: fc.shuffledSubarray(linkKeys).chain((keys) => all(keys.map(([f, t, l]) => linkArb(f, t, l)))),
      qdevice: fc.option(qdeviceArb, { nil: null }),
      storage: fc.option(
        fc.shuffledSubarray([...STORAGE_IDS]).chain((sids) => all(sids.map((sid) => storageArb(sid, names)))),
        { nil: null },
      ),
      views: fc.shuffledSubarray(ids).chain((vids) => all(vids.map((id) => viewArb(id, ids)))),
      partitioned: fc.boolean(),
      warnings: fc.subarray(ids).chain((wids) => all(wids.map(warningArb))),
    });
  });
}

/** Per key: mostly the base item, sometimes the other's, sometimes gone; plus some of the other's new keys. */
function mix<T>(base: readonly T[], other: readonly T[], key: (t: T) => string | number): fc.Arbitrary<T[]> {
  const otherByKey = new Map(other.map((t) => [key(t), t]));
  const baseKeys = new Set(base.map(key));
  const pick = (choices: { value: T | null; weight: number }[]): fc.Arbitrary<T | null> =>
    fc.oneof(...choices.map((c) => ({ arbitrary: fc.constant(c.value), weight: c.weight })));
  const arbs = [
    ...base.map((t) => {
      const o = otherByKey.get(key(t));
      return pick([{ value: t, weight: 8 }, { value: null, weight: 1 }, ...(o ? [{ value: o, weight: 2 }] : [])]);
    }),
    ...other.filter((t) => !baseKeys.has(key(t))).map((t) => pick([{ value: null, weight: 3 }, { value: t, weight: 1 }])),
  ];
  return all(arbs).map((xs) => xs.filter((x): x is T => x !== null));
}

function keep<T>(base: T, other: T): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: fc.constant(base), weight: 3 }, { arbitrary: fc.constant(other), weight: 1 });
}

/** A snapshot like `base`: a few sections and items changed, added or removed (same clusterId). */
export function mutatedSnapshotArb(base: ClusterSnapshot, options: SnapshotArbOptions = {}): fc.Arbitrary<ClusterSnapshot> {
  return snapshotArb({ ...options, clusterId: base.clusterId }).chain((other) =>
    fc.record({
      clusterId: fc.constant(base.clusterId),
      observedAt: keep(base.observedAt, other.observedAt),
      source: keep(base.source, other.source),
      observer: keep(base.observer, other.observer),
      cluster: keep(base.cluster, other.cluster),
      quorum: keep(base.quorum, other.quorum),
      nodes: mix(base.nodes, other.nodes, (n) => n.id),
      links: mix(base.links, other.links, (l) => `${l.from}:${l.to}:${l.link}`),
      qdevice: keep(base.qdevice, other.qdevice),
      storage:
        base.storage && other.storage
          ? mix(base.storage, other.storage, (s) => s.id)
          : keep<Storage[] | null>(base.storage, other.storage),
      views: mix(base.views, other.views, (v) => v.nodeId),
      partitioned: keep(base.partitioned, other.partitioned),
      warnings: keep(base.warnings, other.warnings),
    }),
  );
}

/** Two snapshots of the same cluster: unrelated ones, or a snapshot and a mutation of it. */
export function snapshotPairArb(options: SnapshotArbOptions = {}): fc.Arbitrary<[ClusterSnapshot, ClusterSnapshot]> {
  return snapshotArb(options).chain((base) =>
    fc.oneof(fc.tuple(fc.constant(base), snapshotArb({ ...options, clusterId: base.clusterId })), fc.tuple(fc.constant(base), mutatedSnapshotArb(base, options))),
  );
}

export interface SampleOptions {
  clusterId?: string;
  /** node count (default 3): ids 1..n named pve1..pven, one vote each, all online */
  nodes?: number;
  /** links per node pair (default 2): every ordered pair, all connected */
  links?: number;
  observedAt?: number;
  /** include storage: a local dir per node and a shared pool (default true) */
  storage?: boolean;
}

/** A healthy, quorate cluster in canonical order (see patching.ts), observed from pve1. Fresh objects every call. */
export function sampleSnapshot(options: SampleOptions = {}): ClusterSnapshot {
  const n = options.nodes ?? 3;
  const linkCount = options.links ?? 2;
  const observedAt = options.observedAt ?? T0;
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  const quorum = (): QuorumState => ({
    expectedVotes: n,
    highestExpected: n,
    totalVotes: n,
    quorum: Math.floor(n / 2) + 1,
    quorate: true,
    flags: ['Quorate'],
    ringId: `1.${n * 4}`,
    members: [...ids],
  });
  const links: LinkObservation[] = [];
  for (const from of ids) {
    for (const to of ids) {
      if (from === to) continue;
      for (let link = 0; link < linkCount; link++) {
        links.push({ from, to, link, enabled: true, connected: true, latencyAvgMs: 0.2, latencyMaxMs: 0.5, lossPct: 0, downCount: 0 });
      }
    }
  }
  const onNode = (node: string) => ({ node, enabled: true, active: true, totalBytes: 100e9, usedBytes: 20e9, availBytes: 80e9 });
  return {
    clusterId: options.clusterId ?? 'c1',
    observedAt,
    source: 'sim',
    observer: n > 0 ? { nodeId: 1, name: nodeName(1) } : null,
    cluster: {
      name: 'lab',
      configVersion: 3,
      transport: 'knet',
      secureAuth: true,
      quorumOptions: {
        expectedVotes: null,
        twoNode: false,
        waitForAll: null,
        lastManStanding: false,
        lastManStandingWindowMs: 10_000,
        autoTieBreaker: false,
        autoTieBreakerNode: 'lowest',
      },
      tokenMs: 3000,
      runtimeTokenMs: 3000 + (n - 2) * 650,
    },
    quorum: n > 0 ? quorum() : null,
    nodes: ids.map((id) => ({
      id,
      name: nodeName(id),
      votes: 1,
      state: 'online',
      addresses: Array.from({ length: linkCount }, (_, link) => ({ link, address: `198.18.${link}.${id}` })),
      since: null,
    })),
    links,
    qdevice: null,
    storage:
      options.storage === false
        ? null
        : [
            { id: 'ceph-pool', type: 'rbd', content: ['images'], shared: true, nodes: ids.map((id) => onNode(nodeName(id))) },
            { id: 'local', type: 'dir', content: ['iso', 'backup'], shared: false, nodes: ids.map((id) => onNode(nodeName(id))) },
          ],
    views: ids.map((id) => ({ nodeId: id, name: nodeName(id), reachable: true, reason: null, observedAt, quorum: quorum() })),
    partitioned: false,
    warnings: [],
  };
}
