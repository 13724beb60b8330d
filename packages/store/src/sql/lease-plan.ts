// Which leases this replica should take or give up in one round, from what every replica holds (pure). Each
// replica aims at its share: the clusters divided by the live replicas, rounded up. A free lease (never held,
// released, or expired: its holder died) is taken while below the share; above it, up to
// MAX_HANDOVERS_PER_ROUND leases a round are given back (at it while another replica is two or more below,
// one) for the others to take — a new replica gets its part in a few rounds, without a thundering herd of
// collectors starting at once. A replica holding nothing yet is seen by its
// presence lease (PRESENCE_PREFIX + its name, renewed every round like the others).

export interface LeaseView {
  clusterId: string;
  holder: string;
  expiresAt: number;
}

export interface LeasePlan {
  acquire: string[];
  release: string[];
}

/** a presence lease's key: cluster ids cannot start with '~' (model ClusterId), so none collides */
export const PRESENCE_PREFIX = '~replica:';

/** hand-overs a round at most: 100 clusters over 3 replicas balance in ~8 rounds after a start */
export const MAX_HANDOVERS_PER_ROUND = 8;

/** FNV-1a: each replica tries free leases in its own order, so two starting together rarely race for the same */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function planLeases(input: { self: string; now: number; clusters: readonly string[]; leases: readonly LeaseView[]; held: ReadonlySet<string> }): LeasePlan {
  const { self, now, clusters, held } = input;
  const configured = new Set(clusters);
  const live = input.leases.filter((l) => l.expiresAt > now && configured.has(l.clusterId));
  const count = new Map<string, number>([[self, 0]]);
  for (const l of input.leases) if (l.expiresAt > now && l.clusterId.startsWith(PRESENCE_PREFIX) && !count.has(l.holder)) count.set(l.holder, 0);
  for (const l of live) if (l.holder !== self) count.set(l.holder, (count.get(l.holder) ?? 0) + 1);
  const mine = clusters.filter((c) => held.has(c));
  count.set(self, mine.length);
  const share = Math.ceil(clusters.length / count.size);

  const taken = new Set(live.map((l) => l.clusterId));
  const free = clusters.filter((c) => !taken.has(c) && !held.has(c)).sort((a, b) => hash(`${self}/${a}`) - hash(`${self}/${b}`));
  const acquire = free.slice(0, Math.max(0, share - mine.length));

  const fewest = Math.min(...[...count].filter(([h]) => h !== self).map(([, n]) => n));
  const give =
    acquire.length > 0 || mine.length === 0
      ? 0
      : mine.length > share
        ? Math.min(mine.length - share, MAX_HANDOVERS_PER_ROUND)
        : mine.length === share && fewest < share - 1
          ? 1
          : 0;
  // those given back: the last in this replica's order, so the same replica does not take them straight back
  const release = give > 0 ? [...mine].sort((a, b) => hash(`${self}/${a}`) - hash(`${self}/${b}`)).slice(-give) : [];
  // a cluster no longer listed (removed through the API): its lease goes back, else a cluster added again under
  // its id would find this replica holding it without running it
  const unlisted = [...held].filter((c) => !configured.has(c));
  return { acquire, release: unlisted.length > 0 ? [...unlisted, ...release] : release };
}
