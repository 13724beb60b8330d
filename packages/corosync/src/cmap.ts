// `corosync-cmapctl` dumps: one `key (type) = value` per line (tools/corosync-cmapctl.c, print_key).
import { fail, guard, ok, requireText, type ParseResult } from './result';
import { splitLines } from './text';

export const CMAP_TYPES = ['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'flt', 'dbl', 'str', 'bin'] as const;
export type CmapType = (typeof CMAP_TYPES)[number];

export interface CmapEntry {
  key: string;
  type: CmapType;
  /**
   * integers: number, or bigint when beyond 2^53 (u64 sentinels such as 18446744073709551615);
   * flt/dbl: number; str: the exact text (trailing spaces kept); bin: the escaped text, null without -b
   */
  value: number | bigint | string | null;
  /** the value text exactly as printed */
  raw: string;
}

export type Cmap = ReadonlyMap<string, CmapEntry>;

const LINE = /^(.+?) \((i8|u8|i16|u16|i32|u32|i64|u64|flt|dbl|str|bin)\)(?: = (.*))?$/s;

function integer(raw: string, signed: boolean): number | bigint | null {
  if (!(signed ? /^-?\d+$/ : /^\d+$/).test(raw)) return null;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : BigInt(raw);
}

/** Parses one `key (type) = value` line (no newline); null when it is not one. */
export function parseCmapEntry(line: string): CmapEntry | null {
  const m = LINE.exec(line);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const key = m[1];
  const type = m[2] as CmapType;
  const raw = m[3];
  if (raw === undefined) return type === 'bin' ? { key, type, value: null, raw: '' } : null;
  let value: CmapEntry['value'];
  switch (type) {
    case 'str':
    case 'bin':
      value = raw;
      break;
    case 'flt':
    case 'dbl': {
      const t = raw.trim();
      // `\d+(?:\.\d*)?`, not `\d+\.?\d*`: the latter can split a digit run two ways (quadratic on a long one)
      value = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i.test(t) || /^-?(inf|nan)$/i.test(t) ? Number(t.replace(/^(-?)inf$/i, '$1Infinity')) : null;
      if (value === null) return null;
      break;
    }
    default:
      value = integer(raw.trim(), type.startsWith('i'));
      if (value === null) return null;
  }
  return { key, type, value, raw };
}

/** A whole dump (or a prefix listing). Lines that are not entries (stderr mixed in) become warnings. */
export function parseCmap(text: string): ParseResult<Cmap> {
  return guard('corosync-cmapctl', () => {
    const input = requireText(text, 'corosync-cmapctl');
    if (!input.ok) return input;
    const map = new Map<string, CmapEntry>();
    const warnings: string[] = [];
    let firstBad: { no: number; text: string } | null = null;
    splitLines(input.value).forEach((line, i) => {
      if (line.trim() === '') return;
      const e = parseCmapEntry(line);
      if (!e) {
        firstBad ??= { no: i + 1, text: line };
        warnings.push(`line ${i + 1}: not a cmap entry: ${JSON.stringify(line.slice(0, 200))}`);
        return;
      }
      if (map.has(e.key)) warnings.push(`line ${i + 1}: key ${e.key} repeated; keeping the last`);
      map.set(e.key, e);
    });
    const bad = firstBad as { no: number; text: string } | null;
    if (map.size === 0 && bad) return fail('no cmap entries found', bad.no, bad.text);
    return ok(map as Cmap, warnings);
  });
}

/** A numeric value (bigints converted, possibly losing precision), or null when absent / not numeric. */
export function cmapNumber(map: Cmap, key: string): number | null {
  const e = map.get(key);
  if (!e) return null;
  if (typeof e.value === 'number') return e.value;
  if (typeof e.value === 'bigint') return Number(e.value);
  return null;
}

/** A string value (str type), or null. */
export function cmapString(map: Cmap, key: string): string | null {
  const e = map.get(key);
  return e && e.type === 'str' && typeof e.value === 'string' ? e.value : null;
}

/** Entries under a prefix, in key order. */
export function cmapPrefix(map: Cmap, prefix: string): CmapEntry[] {
  return [...map.values()].filter((e) => e.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export type CmapTrackLine =
  | { kind: 'change'; event: 'create' | 'modify' | 'delete'; entry: CmapEntry }
  | { kind: 'unknown-change' }
  | { kind: 'banner' }
  | { kind: 'blank' };

/**
 * One line of `corosync-cmapctl -t key` / `-T prefix` (tracking) output:
 * `modify> runtime.members.3.status (str) = left`, or the `Type "q" to finish` banner.
 */
export function parseCmapTrackLine(line: string): ParseResult<CmapTrackLine> {
  return guard('corosync-cmapctl -T', () => {
    const input = requireText(line, 'corosync-cmapctl -T');
    if (!input.ok) return input;
    const text = input.value.replace(/\r?\n$/, '');
    if (text.includes('\n')) return fail('expected a single line', 0);
    if (text.trim() === '') return ok({ kind: 'blank' } as CmapTrackLine);
    if (text.trim() === 'Type "q" to finish') return ok({ kind: 'banner' } as CmapTrackLine);
    if (text.startsWith('unknown change> ')) return ok({ kind: 'unknown-change' } as CmapTrackLine);
    const m = /^(create|modify|delete)> (.*)$/s.exec(text);
    if (!m || m[1] === undefined || m[2] === undefined) return fail('not a cmap tracking line', 1, text);
    const entry = parseCmapEntry(m[2]);
    if (!entry) return fail('tracking line without a valid `key (type) = value`', 1, text);
    return ok({ kind: 'change', event: m[1] as 'create' | 'modify' | 'delete', entry } as CmapTrackLine);
  });
}
