import { afterEach, describe, expect, it, vi } from 'vitest';

/** format.ts as loaded in the time zone `tz` (the module keeps one zone formatter, so a fresh copy per zone) */
async function inZone(tz: string) {
  vi.stubEnv('TZ', tz);
  vi.resetModules();
  return import('./format');
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

const WINTER = Date.parse('2025-11-25T21:41:07.042Z');
const SUMMER = Date.parse('2025-07-01T10:00:00Z');

describe('times with their zone', () => {
  it('UTC: the clock, the date and time, and ISO with Z', async () => {
    const f = await inZone('UTC');
    expect(f.formatClock(WINTER)).toBe('21:41:07 UTC');
    expect(f.formatDateTime(WINTER)).toBe('2025-11-25 21:41:07 UTC');
    expect(f.formatIsoLocal(WINTER)).toBe('2025-11-25T21:41:07.042Z');
    expect(f.formatUtcOffset(WINTER)).toBe('UTC');
  });

  it('a zone with an abbreviation says it, summer and winter apart', async () => {
    const f = await inZone('America/New_York');
    expect(f.formatDateTime(WINTER)).toBe('2025-11-25 16:41:07 EST');
    expect(f.formatClock(SUMMER)).toBe('06:00:00 EDT');
    expect(f.formatIsoLocal(WINTER)).toBe('2025-11-25T16:41:07.042-05:00');
    expect(f.formatUtcOffset(SUMMER)).toBe('UTC-04:00');
  });

  it('a zone without a letters-only abbreviation in the locale: the offset, minutes included', async () => {
    const f = await inZone('Asia/Kolkata');
    expect(f.formatZone(WINTER)).toMatch(/^(IST|UTC\+05:30)$/);
    expect(f.formatUtcOffset(WINTER)).toBe('UTC+05:30');
    expect(f.formatClock(WINTER, { zone: false })).toBe('03:11:07');
    expect(f.formatIsoLocal(WINTER)).toBe('2025-11-26T03:11:07.042+05:30');
  });

  it('Europe: CET/CEST where the locale has them, else UTC+01:00/UTC+02:00 — never "GMT+1"', async () => {
    const f = await inZone('Europe/Berlin');
    expect(f.formatZone(WINTER)).toMatch(/^(CET|UTC\+01:00)$/);
    expect(f.formatZone(SUMMER)).toMatch(/^(CEST|UTC\+02:00)$/);
    expect(f.formatDateTime(WINTER)).toMatch(/^2025-11-25 22:41:07 (CET|UTC\+01:00)$/);
  });

  it('{ zone: false } keeps the old formats', async () => {
    const f = await inZone('UTC');
    expect(f.formatDateTime(WINTER, { zone: false })).toBe('2025-11-25 21:41:07');
    expect(f.formatClock(Date.parse('2025-11-25T00:05:09Z'), { zone: false })).toBe('00:05:09');
  });
});
