// Small text helpers shared by the line-oriented parsers.

/** Splits tool output into lines; a final newline does not make an extra empty line. CRLF is tolerated. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Parses a non-negative decimal integer made only of digits; anything else is null. */
export function parseUInt(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/** A node id as the tools print it: decimal (`3`) or `0x%08x` hex (`0x00000003`). */
export function parseNodeId(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) {
    const n = Number.parseInt(t.slice(2), 16);
    return Number.isSafeInteger(n) ? n : null;
  }
  return parseUInt(t);
}

/** True when the text holds a character a regex `.` does not match (a line break of some kind). */
export function hasLineBreak(text: string): boolean {
  return /[\n\r\u2028\u2029]/.test(text);
}

/**
 * Strips blanks (`chars`, default space and tab) from the end. A loop, not `replace(/[ \t]+$/, '')`: that
 * regex retries from every blank of a long inner run and is quadratic in its length.
 */
export function trimEndOf(text: string, chars = ' \t'): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1] ?? '')) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** Strips blanks (`chars`, default space and tab) from the start. */
export function trimStartOf(text: string, chars = ' \t'): string {
  let start = 0;
  while (start < text.length && chars.includes(text[start] ?? '')) start++;
  return start === 0 ? text : text.slice(start);
}
