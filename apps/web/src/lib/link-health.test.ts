// Link health on the page: figures against thresholds, and which pairs have a link-degraded still open.
import { describe, expect, it } from 'vitest';
import type { ClusterEvent, Incident } from '@quorate/model';
import { DEFAULT_LINK_THRESHOLDS as T } from '../api/links';
import { linkLevel, openDegradedLinks, pairLinkId } from './link-health';

const link = (seq: number, type: 'link-degraded' | 'link-recovered', from: number, to: number, l = 0): ClusterEvent =>
  ({
    seq,
    clusterId: 'lab',
    at: seq * 1000,
    severity: 'warning',
    message: type,
    body:
      type === 'link-degraded'
        ? { type, from, to, link: l, fromName: `pve${from}`, toName: `pve${to}`, latencyMs: 80, lossPct: 0, cause: 'latency' }
        : { type, from, to, link: l, fromName: `pve${from}`, toName: `pve${to}`, latencyMs: 0.3, lossPct: 0 },
  }) as ClusterEvent;

const incident = (seqs: number[], endedAt: number | null): Incident => ({
  id: `lab:${seqs[0]}`,
  clusterId: 'lab',
  cause: 'link-degraded',
  subject: 'pve1–pve2 link0',
  title: 'link 0 between pve1 and pve2 degraded (latency)',
  startedAt: 1000,
  endedAt,
  severity: 'warning',
  eventSeqs: seqs,
  eventCount: seqs.length,
  affected: ['pve1', 'pve2'],
  related: [],
});

describe('linkLevel', () => {
  it('good at or under the warn mark, slow above it, bad above the bad mark or the loss limit', () => {
    expect(linkLevel(5, 0, T)).toBe('good');
    expect(linkLevel(null, null, T)).toBe('good');
    expect(linkLevel(5.1, 0, T)).toBe('slow');
    expect(linkLevel(10, 0, T)).toBe('slow');
    expect(linkLevel(10.1, 0, T)).toBe('bad');
    expect(linkLevel(0.3, 1.5, T)).toBe('bad');
    expect(linkLevel(0.3, 0.8, T)).toBe('slow');
  });
});

describe('openDegradedLinks', () => {
  it('a pair whose newest link event is link-degraded is open, in either order of the ids', () => {
    const events = [link(3, 'link-degraded', 2, 1), link(2, 'link-recovered', 1, 3), link(1, 'link-degraded', 1, 3)];
    expect([...openDegradedLinks(events, [])]).toEqual([pairLinkId(1, 2, 0)]);
    expect(pairLinkId(2, 1, 0)).toBe('1:2:0');
  });

  it('per link: link1 recovered leaves link0 degraded', () => {
    const events = [link(3, 'link-recovered', 1, 2, 1), link(2, 'link-degraded', 1, 2, 1), link(1, 'link-degraded', 1, 2, 0)];
    expect([...openDegradedLinks(events, [])]).toEqual(['1:2:0']);
  });

  it('a link-degraded held by a closed incident is not open (its node came back, say)', () => {
    const events = [link(5, 'link-degraded', 1, 2)];
    expect(openDegradedLinks(events, [incident([5], 9000)]).size).toBe(0);
    expect(openDegradedLinks(events, [incident([5], null)]).size).toBe(1);
  });
});
