import { describe, expect, it } from 'vitest';
import type { NodeView } from '@quorate/model';
import { membershipsDisagree } from './assemble';

const view = (nodeId: number, members: number[] | null): NodeView => ({
  nodeId,
  name: `pve${nodeId}`,
  reachable: members !== null,
  reason: members === null ? 'timeout' : null,
  observedAt: 0,
  quorum: members && { expectedVotes: 3, highestExpected: 3, totalVotes: members.length, quorum: 2, quorate: members.length >= 2, flags: [], ringId: null, members },
});

describe('membershipsDisagree', () => {
  it('is a partition when two sides each leave the other out', () => {
    expect(membershipsDisagree([view(1, [1, 2]), view(2, [1, 2]), view(3, [3])])).toBe(true);
  });
  it('is not one when a node still reports the old membership (detection lag, frozen node)', () => {
    expect(membershipsDisagree([view(1, [1]), view(2, [1, 2, 3]), view(3, null)])).toBe(false);
  });
  it('is not one when every reachable node agrees, or only one answers', () => {
    expect(membershipsDisagree([view(1, [1, 2, 3]), view(2, [1, 2, 3]), view(3, [1, 2, 3])])).toBe(false);
    expect(membershipsDisagree([view(1, [1]), view(2, null), view(3, null)])).toBe(false);
  });
});
