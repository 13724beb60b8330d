// IEEE 754 half precision (binary16) in a Uint16Array slot: the 1 s ring's figures take 2 bytes instead of 4
// (Node 20 has no Float16Array). 11 significant bits (±0.05 %) and a range to 65504 are plenty for latency
// in ms and loss in %. NaN marks a second without data.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export const HALF_NAN = 0x7e00;

/** the nearest half float (round to nearest even); NaN → HALF_NAN, beyond 65504 → Infinity */
export function toHalf(x: number): number {
  if (Number.isNaN(x)) return HALF_NAN;
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00; // ±Infinity (NaN handled above)
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    // subnormal half (or zero): shift the implicit 1 in, round to nearest even
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && (half & 1) === 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // a carry out of the mantissa rolls into the exponent, which is the right answer (up to Infinity)
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? 1 : 0));
}

export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
