// The history as files: CSV (RFC 4180) and JSON. Pure: text in, text out; the page downloads it.
import type { ClusterEvent } from '@quorate/model';
import { formatIsoLocal } from './format';

/** the CSV's columns, in order (the header row) */
export const EVENT_CSV_COLUMNS = ['seq', 'time', 'cluster', 'severity', 'type', 'message'] as const;

/**
 * A text that a spreadsheet would run as a formula (=, +, -, @, or a tab/CR before one) gets a leading
 * apostrophe (OWASP's CSV injection advice): a node or storage name in a message is not the admin's to run.
 * Numbers are written as they are.
 */
export function defuseFormula(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a double quote, CR or LF (quotes inside doubled);
 * also when it starts or ends with a blank, which some readers would trim. Texts are defused (defuseFormula).
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  const s = value === null || value === undefined ? '' : typeof value === 'string' ? defuseFormula(value) : String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** one record: the fields joined by commas, ended by CRLF */
export function csvRecord(fields: readonly (string | number | boolean | null | undefined)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/**
 * The events as CSV: a header row, then one record per event in the order given. `time` is ISO 8601 with
 * the offset of the reader's zone (e.g. 2025-11-25T22:41:07.000+01:00): exact, and still local.
 */
export function eventsCsv(events: readonly ClusterEvent[], timeOf: (at: number) => string = formatIsoLocal): string {
  let out = csvRecord(EVENT_CSV_COLUMNS);
  for (const e of events) out += csvRecord([e.seq, timeOf(e.at), e.clusterId, e.severity, e.body.type, e.message]);
  return out;
}

/** The events as the API returns them: a JSON array, one event per line. */
export function eventsJson(events: readonly ClusterEvent[]): string {
  return events.length ? `[\n${events.map((e) => JSON.stringify(e)).join(',\n')}\n]\n` : '[]\n';
}

/** "quorate-history-lab-20251125-224107.csv": the cluster and when, in local time */
export function exportFileName(clusterId: string, ext: 'csv' | 'json', at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  const safe = clusterId.replace(/[^A-Za-z0-9._-]+/g, '_') || 'cluster';
  return `quorate-history-${safe}-${stamp}.${ext}`;
}
