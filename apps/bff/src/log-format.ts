// Log lines for a person at a terminal: "12:00:01 INFO  Quorate listening on http://127.0.0.1:8080", then
// the fields that matter as key=value. JSON (one object per line, pino's own) for everything else: a file,
// journald, a collector — or LOG_FORMAT=json. The same redaction applies to both (it runs before this).
import type { DestinationStream } from 'pino';

export type LogFormat = 'pretty' | 'json';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
/** pino's own bookkeeping: not worth a terminal column */
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v']);
const MAX_VALUE = 200;

function valueText(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  if (v && typeof v === 'object' && 'message' in v && typeof (v as { message: unknown }).message === 'string') return JSON.stringify((v as { message: string }).message);
  const text = JSON.stringify(v) ?? String(v);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

/** one pino JSON line → one readable line (unparseable input is passed through as it is) */
export function prettyLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof o.time === 'number' ? new Date(o.time).toTimeString().slice(0, 8) : '--:--:--';
  const level = LEVELS[typeof o.level === 'number' ? o.level : 30] ?? 'INFO ';
  const fields = Object.entries(o)
    .filter(([k, v]) => !SKIP.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${valueText(v)}`);
  const msg = typeof o.msg === 'string' ? o.msg : '';
  return `${time} ${level} ${msg}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}\n`;
}

/** pretty on a terminal unless LOG_FORMAT says otherwise */
export function chooseFormat(setting: LogFormat | undefined, isTty: boolean): LogFormat {
  return setting ?? (isTty ? 'pretty' : 'json');
}

export function prettyStream(out: NodeJS.WritableStream = process.stdout): DestinationStream {
  return { write: (line: string) => void out.write(prettyLine(line)) };
}
