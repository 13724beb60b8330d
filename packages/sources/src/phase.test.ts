import { describe, expect, it } from 'vitest';
import { phaseOf, untilSlot } from './phase';

describe('untilSlot', () => {
  it('the next slot on the phase, at least half a period away', () => {
    // phase 300 in 2 s: slots at …300, 2300, 4300
    expect(untilSlot(10_300, 300, 2_000)).toBe(2_000); // polled on the slot: the next one a period later
    expect(untilSlot(10_350, 300, 2_000)).toBe(1_950); // a quick answer
    expect(untilSlot(11_500, 300, 2_000)).toBe(2_800); // an answer after 1.2 s: the slot 0.8 s away is skipped
    expect(untilSlot(0, 0, 1_000)).toBe(1_000);
  });

  it('phases of many clusters spread over the period', () => {
    const slots = new Set(Array.from({ length: 100 }, (_, i) => Math.floor(phaseOf(`c${i}`, 2_000) / 200)));
    expect(slots.size).toBeGreaterThanOrEqual(8);
  });
});
