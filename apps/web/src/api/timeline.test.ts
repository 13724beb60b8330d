// The page's zod/mini judgement of the time-travel answers against the model's schemas: what the model
// accepts the page accepts (the same data), and a broken envelope or mark is refused by both.
import { describe, expect, it } from 'vitest';
import { TimelineAt, TimelineMark, TimelinePage } from '@quorate/model';
import { sampleSnapshot } from '@quorate/model/testing';
import { TimelineAtMini, TimelineMarkMini, TimelinePageMini } from './timeline';

const T0 = 1_700_000_000_000;
const mark = { at: T0, rev: 5, quorate: false, nodesOnline: 1, state: 'lost', severity: 'critical', transition: true };
const event = { seq: 3, clusterId: 'c1', at: T0, severity: 'critical', message: 'quorum lost: 1 of 3 votes, 2 needed', body: { type: 'quorum-lost', totalVotes: 1, quorum: 2, expectedVotes: 3, missing: [] } };
const page = { clusterId: 'c1', from: T0 - 1000, to: T0 + 1000, oldest: T0 - 5000, newest: T0, marks: [mark, { ...mark, severity: undefined, state: 'healthy', quorate: true, transition: false }], truncated: false, events: [], eventsTruncated: false };
const at = { clusterId: 'c1', t: T0 + 10, at: T0, rev: 5, snapshot: sampleSnapshot({ observedAt: T0 }) };

describe('timeline answers (zod/mini) against the model', () => {
  it('accepts what the model accepts', () => {
    for (const [mini, model, value] of [
      [TimelineMarkMini, TimelineMark, mark],
      [TimelinePageMini, TimelinePage, page],
      [TimelineAtMini, TimelineAt, at],
    ] as const) {
      const m = model.safeParse(value);
      expect(m.success).toBe(true);
      expect(mini.safeParse(value).success).toBe(true);
    }
  });

  it('the events the page reads, as the model has them', () => {
    const p = { ...page, events: [event] };
    expect(TimelinePage.safeParse(p).success).toBe(true);
    expect(TimelinePageMini.safeParse(p).success).toBe(true);
  });

  it.each([
    ['mark without a rev', TimelineMarkMini, TimelineMark, { ...mark, rev: undefined }],
    ['mark in a state the model lacks', TimelineMarkMini, TimelineMark, { ...mark, state: 'sad' }],
    ['mark with a fractional rev', TimelineMarkMini, TimelineMark, { ...mark, rev: 1.5 }],
    ['page without oldest', TimelinePageMini, TimelinePage, { ...page, oldest: undefined }],
    ['page with marks not a list', TimelinePageMini, TimelinePage, { ...page, marks: {} }],
    ['at without a snapshot', TimelineAtMini, TimelineAt, { ...at, snapshot: undefined }],
    ['at whose snapshot has no nodes', TimelineAtMini, TimelineAt, { ...at, snapshot: { ...at.snapshot, nodes: undefined } }],
    ['at with a negative rev', TimelineAtMini, TimelineAt, { ...at, rev: -1 }],
  ] as const)('refuses what the model refuses: %s', (_name, mini, model, value) => {
    expect(model.safeParse(value).success).toBe(false);
    expect(mini.safeParse(value).success).toBe(false);
  });
});
