// Shared by the web's component tests (*.test.tsx, each run in happy-dom): jest-dom's matchers, a clean
// DOM after every test (no vitest globals, so Testing Library cannot register it itself), and snapshots
// built from the model's helpers and checked against its schema, as the BFF would send them.
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import { ClusterSnapshot, type ClusterEvent, type LinkObservation, type QuorumState } from '@quorate/model';
import { sampleSnapshot, type SampleOptions } from '@quorate/model/testing';
import { queryKeys } from '../api/keys';
import type { SnapshotEntry } from '../live/cache';
import { seedSample, type SAMPLE_NAMES } from '../sample/samples';

afterEach(() => cleanup());

/**
 * Stop the clock (Date only; timers run) for the tests of the calling file, so ages such as "40 s ago"
 * read the same however slow the machine is.
 */
export function frozenClock(at = Date.parse('2025-11-25T21:41:07Z')): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: at });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/** a snapshot the model's schema accepts (a test that builds an impossible one fails here, not in the view) */
export function valid(s: ClusterSnapshot): ClusterSnapshot {
  return ClusterSnapshot.parse(s);
}

export function entryOf(s: ClusterSnapshot, receivedAt = Date.now()): SnapshotEntry {
  return { rev: 1, snapshot: valid(s), receivedAt };
}

/** a healthy quorate cluster pve1..pveN seen from pve1 (the model's sampleSnapshot), no storage */
export function healthy(options: SampleOptions = {}): ClusterSnapshot {
  return sampleSnapshot({ storage: false, observedAt: Date.now(), ...options });
}

export type PageSample = (typeof SAMPLE_NAMES)[number];

/** one of the page's `?sample=` snapshots (sample/samples.ts) with its events, newest first */
export function pageSample(name: PageSample): { entry: SnapshotEntry; events: ClusterEvent[] } {
  const qc = new QueryClient();
  seedSample(qc, name);
  const entry = qc.getQueryData<SnapshotEntry>(queryKeys.snapshot('lab'));
  const events = qc.getQueryData<ClusterEvent[]>(queryKeys.events('')) ?? [];
  if (!entry) throw new Error(`no sample ${name}`);
  return { entry: { ...entry, snapshot: valid(entry.snapshot) }, events };
}

/** the membership after `gone` left: offline since `since`, their links down, quorum as given */
export function without(s: ClusterSnapshot, gone: readonly number[], quorum: Partial<QuorumState>, since = Date.now() - 90_000): ClusterSnapshot {
  const out = structuredClone(s);
  const away = new Set(gone);
  for (const n of out.nodes) if (away.has(n.id)) Object.assign(n, { state: 'offline', since });
  for (const l of out.links) if (away.has(l.from) || away.has(l.to)) Object.assign(l, { connected: false, latencyAvgMs: null, latencyMaxMs: null, downCount: 1 });
  const members = out.nodes.filter((n) => !away.has(n.id)).map((n) => n.id);
  const q = out.quorum!;
  out.quorum = { ...q, members, totalVotes: out.nodes.filter((n) => !away.has(n.id)).reduce((a, n) => a + n.votes, 0), ...quorum };
  return out;
}

/** set fields of one observation (from → to on link) */
export function setLink(s: ClusterSnapshot, from: number, to: number, link: number, patch: Partial<LinkObservation>): void {
  const l = s.links.find((x) => x.from === from && x.to === to && x.link === link);
  if (!l) throw new Error(`no link ${from}->${to} link${link}`);
  Object.assign(l, patch);
}

/**
 * An element's text as it reads on screen: the layout puts gaps between elements (flex gaps, table
 * cells), so element boundaries count as spaces; whitespace collapsed.
 */
export function words(el: Element): string {
  const parts: string[] = [];
  const walk = (n: Node) => {
    if (n.nodeType === n.TEXT_NODE) parts.push(n.textContent ?? '');
    else {
      parts.push(' ');
      n.childNodes.forEach(walk);
      parts.push(' ');
    }
  };
  walk(el);
  return parts.join('').replace(/\s+/g, ' ').trim();
}
