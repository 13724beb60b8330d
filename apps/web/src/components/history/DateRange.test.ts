import { describe, expect, it } from 'vitest';
import { beforeOfToInput, fromLocalInput, toInputOfBefore, toLocalInput } from './DateRange';

describe('the date range inputs (local time, to the minute)', () => {
  it('From: the minute as typed, both ways', () => {
    const ms = fromLocalInput('2025-11-25T10:00');
    expect(ms).toBe(new Date(2025, 10, 25, 10, 0).getTime());
    expect(toLocalInput(ms!)).toBe('2025-11-25T10:00');
  });
  it('To: takes in the whole minute shown (the URL keeps the exclusive end)', () => {
    const before = beforeOfToInput('2025-11-25T10:05');
    expect(before).toBe(new Date(2025, 10, 25, 10, 6).getTime());
    expect(toInputOfBefore(before!)).toBe('2025-11-25T10:05');
    // a bookmark's end in the middle of a minute shows that minute
    expect(toInputOfBefore(new Date(2025, 10, 25, 10, 5, 30).getTime())).toBe('2025-11-25T10:05');
  });
  it('an empty or broken value is no bound', () => {
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('soon')).toBeUndefined();
    expect(beforeOfToInput('')).toBeUndefined();
  });
});
