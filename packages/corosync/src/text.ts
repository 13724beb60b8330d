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
