import { describe, expect, it } from 'vitest';
import { phaseOf, untilPhase, untilSlot } from './phase';

describe('untilSlot', () => {
  it('the next slot on the phase, at least half a period away', () => {
    // phase 300 in 2 s: slots at …300, 2300, 4300
    expect(untilSlot(10_300, 300, 2_000)).toBe(2_000); // polled on the slot: the next one a period later
    expect(untilSlot(10_350, 300, 2_000)).toBe(1_950); // a quick answer
    expect(untilSlot(11_500, 300, 2_000)).toBe(2_800); // an answer after 1.2 s: the slot 0.8 s away is skipped
    expect(untilSlot(0, 0, 1_000)).toBe(1_000);
  });

  it('phases of many clusters spread over the period, each the same at every start', () => {
    const slots = new Set(Array.from({ length: 100 }, (_, i) => Math.floor(phaseOf(`c${i}`, 2_000) / 200)));
    expect(slots.size).toBeGreaterThanOrEqual(8);
    // (moved from the sim kind's tests: the sim's ticks use the same phase)
    const phases = Array.from({ length: 100 }, (_, i) => phaseOf(`c${String(i + 1).padStart(3, '0')}`, 1000));
    for (const p of phases) expect(p).toBeGreaterThanOrEqual(0);
    for (const p of phases) expect(p).toBeLessThan(1000);
    expect(phaseOf('c001', 1000)).toBe(phases[0]);
    // spread: 100 clusters fall into most of the ten 100 ms slots of a 1 s tick
    expect(new Set(phases.map((p) => Math.floor(p / 100))).size).toBeGreaterThanOrEqual(8);
  });

  it('untilPhase: ms to the next moment at the phase, 0 on it', () => {
    expect(untilPhase(10_300, 300, 2_000)).toBe(0);
    expect(untilPhase(10_350, 300, 2_000)).toBe(1_950);
    expect(untilPhase(-50, 300, 2_000)).toBe(350);
  });
});
