// @vitest-environment happy-dom
import '../../test/component';
import { act, renderHook } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterEvent, Incident, IncidentList } from '@quorate/model';
import { queryKeys } from '../../api/keys';
import { useCachedIncidents, useFreshKeys, useRefetchOnNewEvents } from './useLiveHistory';

const ev = (seq: number): ClusterEvent => ({
  seq,
  clusterId: 'lab',
  at: 1_700_000_000_000 + seq,
  severity: 'info',
  message: `e${seq}`,
  body: { type: 'node-joined', nodeId: 1, name: 'pve1', votes: 1 },
});

function setup() {
  const qc = new QueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={qc}>{children}</QueryClientProvider>;
  return { qc, wrapper };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('useRefetchOnNewEvents', () => {
  it('asks again once per burst of newer events in the live events query, only while enabled', () => {
    const { qc, wrapper } = setup();
    qc.setQueryData<ClusterEvent[]>(queryKeys.events('lab'), [ev(5)]);
    const refetch = vi.fn();
    const { rerender } = renderHook(({ on }) => useRefetchOnNewEvents('lab', on, refetch, 300), { wrapper, initialProps: { on: true } });

    act(() => {
      qc.setQueryData<ClusterEvent[]>(queryKeys.events('lab'), [ev(7), ev(6), ev(5)]);
      qc.setQueryData<ClusterEvent[]>(queryKeys.events('lab'), [ev(8), ev(7), ev(6), ev(5)]);
      vi.advanceTimersByTime(300);
    });
    expect(refetch).toHaveBeenCalledTimes(1);

    // the same newest seq (a reload of the same page), or another cluster: nothing
    act(() => {
      qc.setQueryData<ClusterEvent[]>(queryKeys.events('lab'), [ev(8), ev(7)]);
      qc.setQueryData<ClusterEvent[]>(queryKeys.events('other'), [ev(99)]);
      vi.advanceTimersByTime(1000);
    });
    expect(refetch).toHaveBeenCalledTimes(1);

    rerender({ on: false });
    act(() => {
      qc.setQueryData<ClusterEvent[]>(queryKeys.events('lab'), [ev(9)]);
      vi.advanceTimersByTime(1000);
    });
    expect(refetch).toHaveBeenCalledTimes(1);
  });
});

describe('useFreshKeys', () => {
  it('marks keys new to the same scope for a while; a first list, another scope or a placeholder mark nothing', () => {
    const { wrapper } = setup();
    const { result, rerender } = renderHook(({ keys, scope, on }) => useFreshKeys(keys, scope, on, 1000), {
      wrapper,
      initialProps: { keys: ['a', 'b'] as string[] | undefined, scope: 's1', on: true },
    });
    expect(result.current.size).toBe(0);

    rerender({ keys: ['c', 'a', 'b'], scope: 's1', on: true });
    expect([...result.current]).toEqual(['c']);
    act(() => vi.advanceTimersByTime(1000));
    expect(result.current.size).toBe(0);

    rerender({ keys: undefined, scope: 's2', on: true }); // the old filter's rows while the new ones load
    rerender({ keys: ['x', 'y'], scope: 's2', on: true });
    expect(result.current.size).toBe(0);

    rerender({ keys: ['z', 'x', 'y'], scope: 's2', on: false }); // not live (an older page)
    expect(result.current.size).toBe(0);
  });
});

describe('useCachedIncidents', () => {
  it('reads what the live layer keeps, and follows its changes', () => {
    const { qc, wrapper } = setup();
    const incident = { id: 'lab:1', clusterId: 'lab', title: 'pve3 unreachable' } as Incident;
    qc.setQueryData<IncidentList>(queryKeys.incidents('lab'), { incidents: [] });
    const { result } = renderHook(() => useCachedIncidents('lab'), { wrapper });
    expect(result.current).toEqual([]);
    act(() => {
      qc.setQueryData<IncidentList>(queryKeys.incidents('lab'), { incidents: [incident] });
    });
    expect(result.current.map((i) => i.id)).toEqual(['lab:1']);
  });
});
