import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { carryForwardKnown, diffSnapshots, eventSeverity } from './diff';
import { EventDraft, type EventBody, type Severity } from './events';
import type { ClusterSnapshot } from './snapshot';
import { sampleSnapshot, snapshotArb, snapshotPairArb } from './testing/arbitraries';

const clone = (s: ClusterSnapshot): ClusterSnapshot => JSON.parse(JSON.stringify(s)) as ClusterSnapshot;

/** a copy of the 3-node sample, observed a second later, changed by `edit` */
function after(edit: (s: ClusterSnapshot) => void, base = sampleSnapshot()): ClusterSnapshot {
  const next = clone(base);
  next.observedAt = base.observedAt + 1000;
  edit(next);
  return next;
}
const node = (s: ClusterSnapshot, id: number) => {
  const n = s.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
};
const link = (s: ClusterSnapshot, from: number, to: number, l: number) => {
  const x = s.links.find((y) => y.from === from && y.to === to && y.link === l);
  if (!x) throw new Error(`no link ${from}:${to}:${l}`);
  return x;
};
const storageOn = (s: ClusterSnapshot, id: string, nodeName: string) => {
  const x = s.storage?.find((y) => y.id === id)?.nodes.find((n) => n.node === nodeName);
  if (!x) throw new Error(`no storage ${id} on ${nodeName}`);
  return x;
};
/** quorum as pve1 sees it with these members (one vote each, 3 expected) */
function quorumOf(s: ClusterSnapshot, members: number[]): void {
  const q = s.quorum;
  if (!q) throw new Error('no quorum');
  q.members = members;
  q.totalVotes = members.length;
  q.quorate = q.totalVotes >= q.quorum;
  q.flags = q.quorate ? ['Quorate'] : [];
}
const warning = (id: number, quorateAfterDrop = true) => ({
  nodeId: id,
  name: `pve${id}`,
  since: 0,
  expectedDropInMs: 3200,
  quorateAfterDrop,
  totalVotesAfterDrop: 2,
  expectedVotesAfterDrop: 3,
});

interface Case {
  name: string;
  prev?: ClusterSnapshot;
  edit: (s: ClusterSnapshot) => void;
  expected: { severity: Severity; message: string; body: EventBody }[];
}

const cases: Case[] = [
  {
    name: 'node-left: online -> offline',
    edit: (s) => {
      node(s, 3).state = 'offline';
      quorumOf(s, [1, 2]);
    },
    expected: [{ severity: 'warning', message: 'pve3 left the cluster (1 vote)', body: { type: 'node-left', nodeId: 3, name: 'pve3', votes: 1 } }],
  },
  {
    name: 'node-joined: offline -> online',
    prev: after((s) => {
      node(s, 3).state = 'offline';
      quorumOf(s, [1, 2]);
    }),
    edit: (s) => {
      node(s, 3).state = 'online';
      quorumOf(s, [1, 2, 3]);
    },
    expected: [{ severity: 'info', message: 'pve3 joined the cluster (1 vote)', body: { type: 'node-joined', nodeId: 3, name: 'pve3', votes: 1 } }],
  },
  {
    name: 'node-left comes before quorum-lost, missing = configured nodes not in membership',
    edit: (s) => {
      node(s, 2).state = 'offline';
      node(s, 3).state = 'offline';
      quorumOf(s, [1]);
    },
    expected: [
      { severity: 'warning', message: 'pve2 left the cluster (1 vote)', body: { type: 'node-left', nodeId: 2, name: 'pve2', votes: 1 } },
      { severity: 'warning', message: 'pve3 left the cluster (1 vote)', body: { type: 'node-left', nodeId: 3, name: 'pve3', votes: 1 } },
      {
        severity: 'critical',
        message: 'quorum lost: 1 of 3 votes, 2 needed (missing pve2, pve3)',
        body: {
          type: 'quorum-lost',
          totalVotes: 1,
          quorum: 2,
          expectedVotes: 3,
          missing: [
            { nodeId: 2, name: 'pve2' },
            { nodeId: 3, name: 'pve3' },
          ],
        },
      },
    ],
  },
  {
    name: 'quorum-regained',
    prev: after((s) => {
      node(s, 2).state = 'offline';
      node(s, 3).state = 'offline';
      quorumOf(s, [1]);
    }),
    edit: (s) => {
      node(s, 2).state = 'online';
      quorumOf(s, [1, 2]);
      node(s, 3).state = 'offline';
    },
    expected: [
      { severity: 'info', message: 'pve2 joined the cluster (1 vote)', body: { type: 'node-joined', nodeId: 2, name: 'pve2', votes: 1 } },
      {
        severity: 'info',
        message: 'quorum regained: 2 of 3 votes, 2 needed',
        body: { type: 'quorum-regained', totalVotes: 2, quorum: 2, expectedVotes: 3 },
      },
    ],
  },
  {
    name: 'expected-votes-changed',
    edit: (s) => {
      if (s.quorum) s.quorum.expectedVotes = 4;
    },
    expected: [{ severity: 'info', message: 'expected votes changed from 3 to 4', body: { type: 'expected-votes-changed', from: 3, to: 4 } }],
  },
  {
    name: 'config-version-changed',
    edit: (s) => {
      s.cluster.configVersion = 4;
    },
    expected: [
      {
        severity: 'info',
        message: 'cluster configuration version changed from 3 to 4',
        body: { type: 'config-version-changed', from: 3, to: 4 },
      },
    ],
  },
  {
    name: 'link-down (names from next.nodes)',
    edit: (s) => {
      link(s, 1, 3, 0).connected = false;
      node(s, 3).name = 'pve3-renamed';
    },
    expected: [
      {
        severity: 'warning',
        message: 'link 0 pve1→pve3-renamed down',
        body: { type: 'link-down', from: 1, to: 3, link: 0, fromName: 'pve1', toName: 'pve3-renamed' },
      },
    ],
  },
  {
    name: 'link-up',
    prev: after((s) => {
      link(s, 1, 3, 1).connected = false;
    }),
    edit: (s) => {
      link(s, 1, 3, 1).connected = true;
    },
    expected: [
      { severity: 'info', message: 'link 1 pve1→pve3 up', body: { type: 'link-up', from: 1, to: 3, link: 1, fromName: 'pve1', toName: 'pve3' } },
    ],
  },
  {
    name: 'storage goes inactive',
    edit: (s) => {
      storageOn(s, 'local', 'pve2').active = false;
    },
    expected: [
      {
        severity: 'warning',
        message: 'storage local on pve2 inactive',
        body: { type: 'storage-state-changed', storage: 'local', node: 'pve2', active: false, enabled: true },
      },
    ],
  },
  {
    // the Proxmox API cannot ask an offline node: its storage turns unknown, which is no storage event
    name: 'storage turns unknown (its node cannot be asked): no event',
    edit: (s) => {
      const x = storageOn(s, 'local', 'pve2');
      x.active = false;
      x.unknown = true;
    },
    expected: [],
  },
  {
    name: 'storage enabled flips (and active with it)',
    prev: after((s) => {
      const x = storageOn(s, 'ceph-pool', 'pve1');
      x.enabled = false;
      x.active = false;
    }),
    edit: (s) => {
      const x = storageOn(s, 'ceph-pool', 'pve1');
      x.enabled = true;
      x.active = true;
    },
    expected: [
      {
        severity: 'info',
        message: 'storage ceph-pool on pve1 active',
        body: { type: 'storage-state-changed', storage: 'ceph-pool', node: 'pve1', active: true, enabled: true },
      },
    ],
  },
  {
    name: 'observer-changed',
    edit: (s) => {
      s.observer = { nodeId: 2, name: 'pve2' };
    },
    expected: [
      {
        severity: 'info',
        message: 'observer changed from pve1 to pve2',
        body: { type: 'observer-changed', from: { nodeId: 1, name: 'pve1' }, to: { nodeId: 2, name: 'pve2' } },
      },
    ],
  },
  {
    name: 'observer lost (no node could be asked): quorum null and unknown nodes raise nothing else',
    edit: (s) => {
      s.observer = null;
      s.quorum = null;
      for (const n of s.nodes) n.state = 'unknown';
    },
    expected: [
      {
        severity: 'info',
        message: 'no node can be asked (observer was pve1)',
        body: { type: 'observer-changed', from: { nodeId: 1, name: 'pve1' }, to: null },
      },
    ],
  },
  {
    name: 'partition-changed: partitioned',
    edit: (s) => {
      s.partitioned = true;
    },
    expected: [
      {
        severity: 'warning',
        message: 'cluster partitioned: reachable nodes disagree on membership',
        body: { type: 'partition-changed', partitioned: true },
      },
    ],
  },
  {
    name: 'partition-changed: healed',
    prev: after((s) => {
      s.partitioned = true;
    }),
    edit: (s) => {
      s.partitioned = false;
    },
    expected: [
      { severity: 'info', message: 'partition healed: reachable nodes agree on membership', body: { type: 'partition-changed', partitioned: false } },
    ],
  },
  {
    name: 'node-unreachable-warning',
    edit: (s) => {
      s.warnings = [warning(3, false)];
    },
    expected: [
      {
        severity: 'warning',
        message: 'pve3 unreachable on every link: drop expected in 3.2 s, quorum would be lost',
        body: { type: 'node-unreachable-warning', nodeId: 3, name: 'pve3', expectedDropInMs: 3200, quorateAfterDrop: false },
      },
    ],
  },
  {
    name: 'node-unreachable-cleared (a warning that only updates raises nothing)',
    prev: after((s) => {
      s.warnings = [warning(2), warning(3)];
    }),
    edit: (s) => {
      s.warnings = [{ ...warning(2), expectedDropInMs: 1000 }];
    },
    expected: [
      {
        severity: 'info',
        message: 'unreachable warning for pve3 cleared',
        body: { type: 'node-unreachable-cleared', nodeId: 3, name: 'pve3' },
      },
    ],
  },
  {
    name: 'a node added to the configuration and online has joined',
    edit: (s) => {
      s.nodes.push({ id: 4, name: 'pve4', votes: 1, state: 'online', addresses: [], since: null });
    },
    expected: [{ severity: 'info', message: 'pve4 joined the cluster (1 vote)', body: { type: 'node-joined', nodeId: 4, name: 'pve4', votes: 1 } }],
  },
  {
    name: 'a node added to the configuration but offline has not joined',
    edit: (s) => {
      s.nodes.push({ id: 4, name: 'pve4', votes: 1, state: 'offline', addresses: [], since: null });
    },
    expected: [],
  },
  {
    name: 'an online node removed from the configuration has left',
    edit: (s) => {
      s.nodes = s.nodes.filter((n) => n.id !== 3);
    },
    expected: [{ severity: 'warning', message: 'pve3 left the cluster (1 vote)', body: { type: 'node-left', nodeId: 3, name: 'pve3', votes: 1 } }],
  },
  {
    name: 'online -> unknown is staleness, not membership',
    edit: (s) => {
      node(s, 3).state = 'unknown';
    },
    expected: [],
  },
  {
    name: 'unknown -> offline is staleness, not membership',
    prev: after((s) => {
      node(s, 3).state = 'unknown';
    }),
    edit: (s) => {
      node(s, 3).state = 'offline';
    },
    expected: [],
  },
  {
    name: 'config version to null is not a change',
    edit: (s) => {
      s.cluster.configVersion = null;
    },
    expected: [],
  },
  {
    name: 'usage, latency, loss, downCount, since, observedAt and view times raise nothing',
    edit: (s) => {
      for (const st of s.storage ?? []) for (const n of st.nodes) n.usedBytes += 1e9;
      for (const l of s.links) {
        l.latencyAvgMs = 3;
        l.latencyMaxMs = 9;
        l.lossPct = 2;
        l.downCount += 1;
      }
      for (const n of s.nodes) n.since = 5;
      for (const v of s.views) v.observedAt += 1;
    },
    expected: [],
  },
  {
    name: 'storage appearing, vanishing or becoming unavailable raises nothing',
    edit: (s) => {
      s.storage = null;
    },
    expected: [],
  },
];

describe('diffSnapshots', () => {
  it('first observation (prev null) yields no events', () => {
    expect(diffSnapshots(null, sampleSnapshot())).toEqual([]);
  });

  it('a snapshot of another cluster counts as a first observation', () => {
    expect(diffSnapshots(sampleSnapshot({ clusterId: 'a' }), after((s) => (s.partitioned = true), sampleSnapshot({ clusterId: 'b' })))).toEqual([]);
  });

  it.each(cases)('$name', ({ prev, edit, expected }) => {
    const before = prev ?? sampleSnapshot();
    const next = after(edit, before);
    const events = diffSnapshots(before, next);
    expect(events).toEqual(expected.map((e) => ({ at: next.observedAt, ...e })));
    for (const e of events) expect(EventDraft.parse(e)).toEqual(e);
  });

  it('orders a busy diff causally: warning, links, membership, quorum', () => {
    const next = after((s) => {
      s.cluster.configVersion = 4;
      s.warnings = [warning(2, false)];
      link(s, 1, 2, 1).connected = false;
      link(s, 1, 2, 0).connected = false;
      node(s, 3).state = 'offline';
      node(s, 2).state = 'offline';
      quorumOf(s, [1]);
      s.partitioned = true;
      storageOn(s, 'local', 'pve1').active = false;
    });
    expect(diffSnapshots(sampleSnapshot(), next).map((e) => e.message)).toEqual([
      'cluster configuration version changed from 3 to 4',
      'pve2 unreachable on every link: drop expected in 3.2 s, quorum would be lost',
      'link 0 pve1→pve2 down',
      'link 1 pve1→pve2 down',
      'pve2 left the cluster (1 vote)',
      'pve3 left the cluster (1 vote)',
      'quorum lost: 1 of 3 votes, 2 needed (missing pve2, pve3)',
      'cluster partitioned: reachable nodes disagree on membership',
      'storage local on pve1 inactive',
    ]);
  });

  it('does not depend on the order of items', () => {
    const prev = sampleSnapshot();
    const next = after((s) => {
      link(s, 2, 3, 0).connected = false;
      link(s, 1, 3, 1).connected = false;
      node(s, 3).state = 'offline';
      s.nodes.reverse();
      s.links.reverse();
      s.storage?.reverse();
    });
    const shuffled = after((s) => {
      s.nodes.reverse();
      s.links.reverse();
    }, prev);
    expect(diffSnapshots(shuffled, next)).toEqual(diffSnapshots(prev, next));
    expect(diffSnapshots(prev, next).map((e) => e.body.type)).toEqual(['link-down', 'link-down', 'node-left']);
  });

  it('at 32 nodes x 8 links, one link flip is one event', () => {
    const prev = sampleSnapshot({ nodes: 32, links: 8 });
    expect(prev.links).toHaveLength(7936);
    const next = after((s) => {
      link(s, 17, 5, 6).connected = false;
      for (const l of s.links) l.latencyAvgMs = 1;
    }, prev);
    expect(diffSnapshots(prev, next).map((e) => e.message)).toEqual(['link 6 pve17→pve5 down']);
  });

  it('property: diff(s, s) is always empty', () => {
    fc.assert(
      fc.property(snapshotArb(), (s) => {
        expect(diffSnapshots(s, s)).toEqual([]);
        expect(diffSnapshots(s, clone(s))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('property: every event of any diff is a valid draft at next.observedAt with the severity of its body', () => {
    fc.assert(
      fc.property(snapshotPairArb(), ([prev, next]) => {
        for (const e of diffSnapshots(prev, next)) {
          expect(EventDraft.parse(e)).toEqual(e);
          expect(e.at).toBe(next.observedAt);
          expect(e.severity).toBe(eventSeverity(e.body));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('carryForwardKnown', () => {
  it('reports a node that went down during a blind spell once the view returns', () => {
    const s0 = sampleSnapshot();
    const blind = after((s) => {
      s.observer = null;
      s.quorum = null;
      s.cluster.configVersion = null;
      for (const n of s.nodes) n.state = 'unknown';
    }, s0);
    const back = after((s) => {
      s.observedAt += 1000;
      node(s, 2).state = 'offline';
      node(s, 3).state = 'offline';
      quorumOf(s, [1]);
    }, s0);

    // raw previous snapshot: the blind spell hides the change
    expect(diffSnapshots(blind, back).map((e) => e.body.type)).toEqual(['observer-changed']);

    let baseline: ClusterSnapshot | null = null;
    const seen: string[] = [];
    for (const s of [s0, blind, back]) {
      seen.push(...diffSnapshots(baseline, s).map((e) => e.message));
      baseline = carryForwardKnown(baseline, s);
    }
    expect(seen).toEqual([
      'no node can be asked (observer was pve1)',
      'observing through pve1',
      'pve2 left the cluster (1 vote)',
      'pve3 left the cluster (1 vote)',
      'quorum lost: 1 of 3 votes, 2 needed (missing pve2, pve3)',
    ]);
  });

  it('returns next itself when it knows everything, and never mutates its inputs', () => {
    const s0 = sampleSnapshot();
    const s1 = after(() => {}, s0);
    expect(carryForwardKnown(s0, s1)).toBe(s1);
    expect(carryForwardKnown(null, s1)).toBe(s1);
    const blind = after((s) => {
      node(s, 2).state = 'unknown';
    }, s0);
    const copy = clone(blind);
    const carried = carryForwardKnown(s0, blind);
    expect(node(carried, 2).state).toBe('online');
    expect(blind).toEqual(copy);
  });
});

describe('consequences of a node leaving', () => {
  it('a node that left explains its storage going inactive and its warning ending: one line, not many', () => {
    const prev = sampleSnapshot({ nodes: 3, links: 1, storage: true });
    prev.warnings = [{ nodeId: 3, name: 'pve3', since: prev.observedAt, expectedDropInMs: 5000, quorateAfterDrop: true, totalVotesAfterDrop: 2, expectedVotesAfterDrop: 3 }];
    const next = JSON.parse(JSON.stringify(prev)) as ClusterSnapshot;
    next.observedAt += 1000;
    next.warnings = [];
    next.nodes = next.nodes.map((n) => (n.name === 'pve3' ? { ...n, state: 'offline' as const } : n));
    next.quorum = { ...next.quorum!, totalVotes: 2, members: [1, 2] };
    next.storage = next.storage!.map((st) => ({ ...st, nodes: st.nodes.map((n) => (n.node === 'pve3' ? { ...n, active: false } : n)) }));
    const types = diffSnapshots(prev, next).map((e) => e.body.type);
    expect(types).toContain('node-left');
    expect(types).not.toContain('storage-state-changed');
    expect(types).not.toContain('node-unreachable-cleared');
  });

  it('storage going inactive on a node that stays a member is still reported', () => {
    const prev = sampleSnapshot({ nodes: 3, links: 1, storage: true });
    const next = JSON.parse(JSON.stringify(prev)) as ClusterSnapshot;
    next.storage = next.storage!.map((st, i) => (i === 0 ? { ...st, nodes: st.nodes.map((n) => (n.node === 'pve2' ? { ...n, active: false } : n)) } : st));
    expect(diffSnapshots(prev, next).map((e) => e.body.type)).toEqual(['storage-state-changed']);
  });
});

describe('an observer change (issue 8)', () => {
  it('to another side of a split: no joins or leaves, only the observer and what its quorum says', () => {
    const s0 = sampleSnapshot();
    const prev = after((s) => {
      node(s, 3).state = 'offline';
      quorumOf(s, [1, 2]);
    }, s0);
    const next = after((s) => {
      s.observer = { nodeId: 3, name: 'pve3' };
      node(s, 1).state = 'offline';
      node(s, 2).state = 'offline';
      node(s, 3).state = 'online';
      quorumOf(s, [3]);
    }, prev);
    expect(diffSnapshots(prev, next).map((e) => e.body.type)).toEqual(['observer-changed', 'quorum-lost']);
  });

  it('to a view that contains the old one: the difference is a real join', () => {
    const s0 = sampleSnapshot();
    const prev = after((s) => {
      s.observer = { nodeId: 2, name: 'pve2' };
      node(s, 1).state = 'offline';
      quorumOf(s, [2, 3]);
    }, s0);
    const next = after((s) => {
      s.observer = { nodeId: 1, name: 'pve1' };
      node(s, 1).state = 'online';
      quorumOf(s, [1, 2, 3]);
    }, prev);
    expect(diffSnapshots(prev, next).map((e) => e.body.type)).toEqual(['observer-changed', 'node-joined']);
  });

  it('to the quorate side of a split: the minority left; the old observer\'s warnings end without a "cleared" line each', () => {
    // pve1 was cut off from pve2 and pve3 and warned they would be dropped; Corosync split the ring and
    // the headline moved to the quorate side, from which pve1 left
    const prev = after((s) => {
      s.warnings = [warning(2, false), warning(3, false)];
    });
    const next = after((s) => {
      s.observer = { nodeId: 2, name: 'pve2' };
      s.warnings = [];
      node(s, 1).state = 'offline';
      quorumOf(s, [2, 3]);
      s.partitioned = true;
    }, prev);
    expect(diffSnapshots(prev, next).map((e) => e.message)).toEqual([
      'observer changed from pve1 to pve2',
      'pve1 left the cluster (1 vote)',
      'cluster partitioned: reachable nodes disagree on membership',
    ]);
  });
});

describe('a revised forecast (issue 8)', () => {
  it('when quorum after the drop flips for a running warning, the history says so', () => {
    const prev = after((s) => {
      s.warnings = [warning(2, true), warning(3, true)];
    });
    const next = after((s) => {
      s.warnings = [warning(2, false), warning(3, false)];
    }, prev);
    const events = diffSnapshots(prev, next);
    expect(events.map((e) => [e.body.type, e.message])).toEqual([
      ['node-unreachable-warning', 'forecast for pve2 revised: quorum would now be lost when Corosync drops it'],
      ['node-unreachable-warning', 'forecast for pve3 revised: quorum would now be lost when Corosync drops it'],
    ]);
    expect(events.every((e) => e.body.type === 'node-unreachable-warning' && e.body.revised === true)).toBe(true);
    expect(diffSnapshots(next, next)).toEqual([]);
  });
});

describe('Proxmox HA and Ceph (pve)', () => {
  const ha = (services: { sid: string; node: string | null; state: string }[], fencing: string[] = []): NonNullable<ClusterSnapshot['ha']> => ({ quorate: true, master: 'pve2', services, fencing });
  const ceph = (health: string): NonNullable<ClusterSnapshot['ceph']> => ({ health, checks: [], monitors: [{ name: 'pve1', inQuorum: true }], osdsUp: 3, osdsIn: 3, osdsTotal: 3 });
  const withHa = (h: ClusterSnapshot['ha'], c: ClusterSnapshot['ceph'] = null) => after((s) => {
    s.ha = h;
    s.ceph = c;
  });
  const types = (events: EventDraft[]) => events.map((e) => [e.body.type, e.severity]);

  it('a service entering error is a warning; leaving it is info; a state change that is no error is nothing', () => {
    const before = withHa(ha([{ sid: 'vm:100', node: 'pve1', state: 'started' }, { sid: 'ct:200', node: 'pve2', state: 'started' }]));
    const broken = after((s) => {
      s.ha = ha([{ sid: 'vm:100', node: 'pve1', state: 'migrate' }, { sid: 'ct:200', node: 'pve2', state: 'error' }]);
    }, before);
    const events = diffSnapshots(before, broken);
    expect(types(events)).toEqual([['ha-error', 'warning']]);
    expect(events[0]!.body).toEqual({ type: 'ha-error', sid: 'ct:200', node: 'pve2', state: 'error' });
    expect(events[0]!.message).toContain('ct:200 on pve2 is in error state');
    const fixed = after((s) => {
      s.ha = ha([{ sid: 'vm:100', node: 'pve1', state: 'started' }, { sid: 'ct:200', node: 'pve2', state: 'disabled' }]);
    }, broken);
    expect(types(diffSnapshots(broken, fixed))).toEqual([['ha-error-cleared', 'info']]);
  });

  it('a node the manager starts fencing is critical, once', () => {
    const before = withHa(ha([{ sid: 'vm:101', node: 'pve3', state: 'started' }]));
    const fencing = after((s) => {
      s.ha = ha([{ sid: 'vm:101', node: 'pve3', state: 'fence' }], ['pve3']);
    }, before);
    const events = diffSnapshots(before, fencing);
    expect(types(events)).toEqual([['ha-fencing', 'critical']]);
    expect(events[0]!.message).toBe('HA is fencing pve3: its HA resources wait until it is fenced, then recover on other nodes');
    expect(diffSnapshots(fencing, after(() => {}, fencing))).toEqual([]);
  });

  it('HA going to or from null/undefined is staleness, not an event; a resource new to HA in error is no change', () => {
    const err = ha([{ sid: 'ct:200', node: 'pve2', state: 'error' }], ['pve3']);
    expect(diffSnapshots(withHa(null), withHa(err))).toEqual([]);
    expect(diffSnapshots(withHa(err), withHa(null))).toEqual([]);
    expect(diffSnapshots(sampleSnapshot(), withHa(err))).toEqual([]); // sim: ha absent
    expect(diffSnapshots(withHa(ha([])), withHa(err)).map((e) => e.body.type)).toEqual(['ha-fencing']);
  });

  it('Ceph health: worse is a warning, better is info, absent Ceph on one side is nothing', () => {
    const ok = withHa(null, ceph('HEALTH_OK'));
    const warn = withHa(null, ceph('HEALTH_WARN'));
    const err = withHa(null, ceph('HEALTH_ERR'));
    expect(types(diffSnapshots(ok, warn))).toEqual([['ceph-health-changed', 'warning']]);
    expect(diffSnapshots(ok, warn)[0]!.body).toEqual({ type: 'ceph-health-changed', from: 'HEALTH_OK', to: 'HEALTH_WARN' });
    expect(types(diffSnapshots(warn, err))).toEqual([['ceph-health-changed', 'warning']]);
    expect(types(diffSnapshots(err, ok))).toEqual([['ceph-health-changed', 'info']]);
    expect(diffSnapshots(ok, withHa(null, null))).toEqual([]);
    expect(diffSnapshots(withHa(null, null), err)).toEqual([]);
  });

  it('carryForwardKnown keeps the last HA and Ceph readings through a blind spell, so the change still shows', () => {
    const ok = withHa(ha([{ sid: 'vm:100', node: 'pve1', state: 'started' }]), ceph('HEALTH_OK'));
    const blind = withHa(null, null);
    const baseline = carryForwardKnown(ok, blind);
    expect(baseline.ha).toEqual(ok.ha);
    expect(baseline.ceph).toEqual(ok.ceph);
    const back = withHa(ha([{ sid: 'vm:100', node: 'pve1', state: 'error' }]), ceph('HEALTH_WARN'));
    expect(diffSnapshots(baseline, back).map((e) => e.body.type)).toEqual(['ha-error', 'ceph-health-changed']);
  });

  it('eventSeverity of the new bodies', () => {
    expect(eventSeverity({ type: 'ha-error-cleared', sid: 'x', node: null, state: 'started' })).toBe('info');
    expect(eventSeverity({ type: 'ceph-health-changed', from: 'HEALTH_WARN', to: 'HEALTH_UNKNOWN' })).toBe('warning');
  });
});
