// The cluster list to sockets (cluster-broadcast.ts): the whole list when the list changes; a state change
// alone sends that state, the first at once, later ones merged into one message per STATES_MIN_MS.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterList, ClusterState, ClusterStates } from '@quorate/model';
import { mergeClusterStates } from '@quorate/model';
import { ClusterBroadcast, STATES_MIN_MS } from './cluster-broadcast';
import type { ClusterRegistry } from './clusters';
import type { GatewayServer } from './gateway';
import type { Logger } from './logger';

const healthy: ClusterState = { health: 'healthy', source: 'ok' };
const lost: ClusterState = { health: 'lost', source: 'ok' };

function setup() {
  const states = new Map<string, ClusterState>([
    ['a', healthy],
    ['b', healthy],
  ]);
  const registry = Object.assign(new EventEmitter(), { stateOfId: (id: string) => (states.has(id) ? { state: states.get(id)!, capabilities: ['faults'] } : undefined) });
  const sent: { name: string; body: unknown }[] = [];
  const io = { local: { emit: (name: string, body: unknown) => sent.push({ name, body }) } };
  const list: ClusterList = { clusters: [{ id: 'a', name: 'A', source: 'sim', default: true, origin: 'config', capabilities: [], state: healthy }] };
  const logger = { error: vi.fn() } as unknown as Logger;
  const b = new ClusterBroadcast(registry as unknown as ClusterRegistry, io as unknown as GatewayServer, () => Promise.resolve(list), logger);
  const stateMessages = () => sent.filter((m) => m.name === 'clusterStates').map((m) => (m.body as ClusterStates).states);
  return { registry, states, sent, stateMessages, b, list };
}

describe('ClusterBroadcast', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a state change sends that state alone, after the announcing call returns; a burst is merged, at most one message per STATES_MIN_MS', async () => {
    const { registry, states, stateMessages, sent } = setup();
    registry.emit('state', 'a');
    expect(sent).toHaveLength(0); // not inside the collector's ingest
    await vi.advanceTimersByTimeAsync(0);
    expect(stateMessages()).toEqual([[{ id: 'a', state: healthy, capabilities: ['faults'] }]]);

    // three changes within the window: one message at its end, each cluster once, with its state then
    registry.emit('state', 'b');
    await vi.advanceTimersByTimeAsync(100);
    registry.emit('state', 'a');
    states.set('a', lost);
    registry.emit('state', 'a');
    await vi.advanceTimersByTimeAsync(STATES_MIN_MS - 200);
    expect(stateMessages()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(stateMessages()).toEqual([
      [{ id: 'a', state: healthy, capabilities: ['faults'] }],
      [
        { id: 'b', state: healthy, capabilities: ['faults'] },
        { id: 'a', state: lost, capabilities: ['faults'] },
      ],
    ]);
    expect(sent.some((m) => m.name === 'clusters')).toBe(false);

    // quiet for a while: the next change goes out at once again
    await vi.advanceTimersByTimeAsync(5_000);
    registry.emit('state', 'b');
    await vi.advanceTimersByTimeAsync(0);
    expect(stateMessages()).toHaveLength(3);
  });

  it('the list changing sends the whole list; a cluster no longer listed is left out of the states; stop() ends both', async () => {
    const { registry, states, stateMessages, sent, b, list } = setup();
    registry.emit('changed');
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ name: 'clusters', body: list }]);

    // changes while a list waits for its turn: one more list, not one each
    registry.emit('changed');
    registry.emit('changed');
    registry.emit('changed');
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.filter((m) => m.name === 'clusters')).toHaveLength(2);
    sent.length = 1;

    states.delete('b');
    registry.emit('state', 'b');
    await vi.advanceTimersByTimeAsync(0);
    expect(stateMessages()).toEqual([]);

    registry.emit('state', 'a');
    b.stop();
    registry.emit('changed');
    registry.emit('state', 'a');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toHaveLength(1);
  });
});

describe('mergeClusterStates', () => {
  it('replaces the states and capabilities of listed clusters; ids the list lacks are left out; nothing listed changed: the same list', () => {
    const list: ClusterList = {
      clusters: [
        { id: 'a', name: 'A', source: 'sim', default: true, origin: 'config', capabilities: [], state: healthy },
        { id: 'b', name: 'B', source: 'sim', default: false, origin: 'config', capabilities: [] },
      ],
      removed: [],
    };
    const merged = mergeClusterStates(list, {
      states: [
        { id: 'b', state: lost, capabilities: ['faults', 'join'] },
        { id: 'zz', state: lost, capabilities: [] },
      ],
    });
    expect(merged.clusters.map((c) => [c.id, c.state?.health, c.capabilities])).toEqual([
      ['a', 'healthy', []],
      ['b', 'lost', ['faults', 'join']],
    ]);
    expect(merged.clusters[0]).toBe(list.clusters[0]);
    expect(merged.removed).toBe(list.removed);
    expect(mergeClusterStates(list, { states: [{ id: 'zz', state: lost, capabilities: [] }] })).toBe(list);
  });
});
