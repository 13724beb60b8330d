// Human units for figures on the page: bytes, durations, ages, times. Pure functions.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = v >= 100 || i === 0 ? 0 : v >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${BYTE_UNITS[i]}`;
}

export function percent(part: number, whole: number): number {
  if (whole <= 0) return 0;
  return Math.min(100, Math.max(0, (part / whole) * 100));
}

/** "0.4 s", "12 s", "3 min", "2 h 5 min", "3 d" */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.floor(s)} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** "2 min ago" */
export function formatAgo(at: number, now: number): string {
  return `${formatDuration(now - at)} ago`;
}

/** how a time says its zone */
export interface ZoneOptions {
  /** add the time zone ("CET", "UTC+05:30"); default true */
  zone?: boolean;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** the offset from UTC at that moment in local time: "UTC+01:00", "UTC-03:30", "UTC" */
export function formatUtcOffset(at: number): string {
  const minutes = -new Date(at).getTimezoneOffset();
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

// one formatter for the page's life (building one is slow); the zone is the browser's
let zoneNames: Intl.DateTimeFormat | null = null;

/**
 * The local time zone at that moment, short: its abbreviation where the locale has a letters-only one
 * ("CET", "CEST", "EST", "UTC"), else the offset ("UTC+05:30") rather than a locale's "GMT+5:30".
 */
export function formatZone(at: number): string {
  zoneNames ??= new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' });
  const name = zoneNames.formatToParts(new Date(at)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return /^[A-Z]{2,5}$/.test(name) ? name : formatUtcOffset(at);
}

const withZone = (text: string, at: number, o: ZoneOptions | undefined) => (o?.zone === false ? text : `${text} ${formatZone(at)}`);

/** "22:41:07 CET" in local time (24 h); `{ zone: false }`: "22:41:07" */
export function formatClock(at: number, o?: ZoneOptions): string {
  const d = new Date(at);
  return withZone(`${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`, at, o);
}

/** absolute time for lists, titles and "since" lines: "2025-11-25 22:41:07 CET" in local time */
export function formatDateTime(at: number, o?: ZoneOptions): string {
  const d = new Date(at);
  return withZone(`${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`, at, o);
}

/** ISO 8601 in local time with its offset, for files: "2025-11-25T22:41:07.000+01:00" ("…Z" in UTC) */
export function formatIsoLocal(at: number): string {
  const d = new Date(at);
  const minutes = -d.getTimezoneOffset();
  const abs = Math.abs(minutes);
  const offset = minutes === 0 ? 'Z' : `${minutes < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
  const ms = String(d.getMilliseconds()).padStart(3, '0');
  return `${formatDateTime(at, { zone: false }).replace(' ', 'T')}.${ms}${offset}`;
}

/** "1 vote", "3 votes": the model's wording helper (pure, no zod), so page and BFF messages agree */
export { plural } from '@quorate/model';

/** "pve2", "pve2 and pve3", "pve2, pve3 and pve4" */
export function listNames(names: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '?';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
