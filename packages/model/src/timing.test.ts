import { describe, expect, it } from 'vitest';
import { knetLinkDownDetectionMs, membershipDetectionMs, rejoinDelayMs, runtimeTokenMs } from './timing';

describe('runtimeTokenMs', () => {
  it.each([
    [3000, 2, 650, 3000],
    [3000, 1, 650, 3000],
    [3000, 3, 650, 3650],
    [1000, 3, 650, 1650],
    [3000, 5, 125, 3375],
    [3000, 32, 650, 22_500],
  ])('token %i, %i nodes, coefficient %i → %i', (token, n, c, want) => {
    expect(runtimeTokenMs(token, n, c)).toBe(want);
  });
  it('defaults to corosync coefficient 650', () => {
    expect(runtimeTokenMs(3000, 4)).toBe(4300);
  });
});

describe('detection delays fit the lab measurements', () => {
  it('membership: ~7.6 s (token 3000, 3 nodes) and ~3.4 s (token 1000)', () => {
    expect(Math.abs(membershipDetectionMs(runtimeTokenMs(3000, 3)) - 7600)).toBeLessThan(150);
    expect(Math.abs(membershipDetectionMs(runtimeTokenMs(1000, 3)) - 3400)).toBeLessThan(150);
  });
  it('knet link down: 1.3–1.9 s default, ~0.6 s with token 1000', () => {
    const d = knetLinkDownDetectionMs(runtimeTokenMs(3000, 3));
    expect(d).toBeGreaterThanOrEqual(1250);
    expect(d).toBeLessThanOrEqual(1900);
    expect(Math.abs(knetLinkDownDetectionMs(runtimeTokenMs(1000, 3)) - 600)).toBeLessThan(60);
  });
  it('knet notices before the membership changes, and a rejoin is quicker than a drop', () => {
    for (const rt of [1650, 3650, 22_500]) {
      expect(knetLinkDownDetectionMs(rt)).toBeLessThan(membershipDetectionMs(rt));
      expect(rejoinDelayMs(rt)).toBeLessThan(membershipDetectionMs(rt));
    }
  });
});
