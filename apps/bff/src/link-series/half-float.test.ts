import { describe, expect, it } from 'vitest';
import { HALF_NAN, fromHalf, toHalf } from './half-float';

describe('half float', () => {
  it('round-trips exactly representable values', () => {
    for (const x of [0, 1, 0.5, 2, 10, 80, 100, 1024, 65504, -3, 2 ** -14, 2 ** -24]) expect(fromHalf(toHalf(x))).toBe(x);
  });

  it('keeps latency and loss figures within half a unit in the last place (±0.05 %)', () => {
    for (let i = 0; i < 10_000; i++) {
      const x = (i * 7.919) % 10_000;
      const y = fromHalf(toHalf(x));
      expect(Math.abs(y - x)).toBeLessThanOrEqual(Math.max(x * 2 ** -11, 2 ** -25));
    }
  });

  it('rounds to nearest even, NaN is no data, beyond the range is Infinity', () => {
    expect(toHalf(1 + 2 ** -11)).toBe(toHalf(1)); // a tie: down to even
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(toHalf(1 + 2 ** -9)); // a tie: up to even
    expect(toHalf(NaN)).toBe(HALF_NAN);
    expect(fromHalf(HALF_NAN)).toBeNaN();
    expect(fromHalf(toHalf(70_000))).toBe(Infinity);
    expect(fromHalf(toHalf(65519))).toBe(65504);
  });
});
