import { describe, expect, it } from 'vitest';
import { formatUtc, rangeOf, stepMark, timelineSearch } from './timeline-search';

describe('timeline search', () => {
  it('keeps good values, drops bad ones', () => {
    expect(timelineSearch.parse({ t: '1700000000000', w: '60' })).toEqual({ t: 1_700_000_000_000, w: 60 });
    expect(timelineSearch.parse({ t: 'soon', w: '7' })).toEqual({ t: undefined, w: undefined });
  });
  it('a window around t, never past now', () => {
    expect(rangeOf(undefined, 60, 10_000_000)).toEqual({ from: 10_000_000 - 3_600_000, to: 10_000_000 });
    expect(rangeOf(5_000_000, 60, 10_000_000)).toEqual({ from: 3_200_000, to: 6_800_000 });
    expect(rangeOf(9_900_000, 60, 10_000_000)).toEqual({ from: 6_400_000, to: 10_000_000 });
  });
  it('steps to the change before and after', () => {
    const marks = [{ at: 1, x: false }, { at: 5, x: true }, { at: 9, x: false }];
    expect(stepMark(marks, 5, 1)?.at).toBe(9);
    expect(stepMark(marks, 5, -1)?.at).toBe(1);
    expect(stepMark(marks, 9, 1)).toBeNull();
    expect(stepMark(marks, 10, -1, (m) => m.x)?.at).toBe(5);
  });
  it('UTC', () => {
    expect(formatUtc(0)).toBe('1970-01-01 00:00:00 UTC');
  });
});
