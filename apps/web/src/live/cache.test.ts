// Whether a quorum was ever known for a cluster on this page: set by the first snapshot with a quorum,
// kept through later ones without.
import { describe, expect, it } from 'vitest';
import { sampleSnapshot } from '@quorate/model/testing';
import type { ClusterEvent } from '@quorate/model';
import { mergeEvents, nextEntry, resumeSeq } from './cache';

describe('nextEntry', () => {
  const known = sampleSnapshot({ storage: false });
  const unknown = { ...known, quorum: null, observer: null };

  it('nothing known yet: no quorum now, none before', () => {
    expect(nextEntry(undefined, 1, unknown, 10).hadQuorum).toBe(false);
    expect(nextEntry(nextEntry(undefined, 1, unknown, 10), 2, unknown, 20).hadQuorum).toBe(false);
  });
  it('once a quorum was seen, a later snapshot without one is a "last known" case', () => {
    const first = nextEntry(undefined, 1, known, 10);
    expect(first.hadQuorum).toBe(true);
    const later = nextEntry(first, 2, unknown, 20);
    expect(later).toEqual({ rev: 2, snapshot: unknown, receivedAt: 20, hadQuorum: true });
  });
});

describe('mergeEvents and resumeSeq: events out of order', () => {
  const ev = (seq: number, message = `e${seq}`): ClusterEvent => ({ seq, clusterId: 'c', at: seq, severity: 'info', message, body: { type: 'partition-changed', partitioned: false } });
  const seqs = (list: ClusterEvent[]) => list.map((e) => e.seq);

  it('live events before the catch-up: the list ends in seq order, each seq once, the first copy kept', () => {
    let list = mergeEvents([ev(1), ev(2)].reverse(), []);
    for (const e of [ev(6), ev(7, 'live copy')]) list = mergeEvents(list, [e]);
    for (const e of [ev(3), ev(4), ev(5), ev(6), ev(7, 'replayed copy')]) list = mergeEvents(list, [e]);
    expect(seqs(list)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(list[0]!.message).toBe('live copy');
  });

  it('resumes below a hole the catch-up had not filled yet', () => {
    expect(resumeSeq([])).toBe(0);
    expect(resumeSeq([ev(3), ev(2), ev(1)])).toBe(3);
    // 3–5 still on their way when the connection dropped: resume from 2, not 7
    expect(resumeSeq([ev(7), ev(6), ev(2), ev(1)])).toBe(2);
    // a list capped at FEED_LIMIT starts where it starts
    expect(resumeSeq([ev(102), ev(101)])).toBe(102);
  });
});
