// A row that fails validation on read is skipped and reported, never thrown: one bad row must not
// take down the timeline or the audit page.
export type CorruptRow = { table: string; key: string; problem: string };
export type CorruptReporter = (row: CorruptRow) => void;

export const warnCorrupt: CorruptReporter = ({ table, key, problem }) => {
  // Only the location and the schema problem; never row content (it may hold operator input).
  console.warn(`[store] skipped corrupt ${table} row ${key}: ${problem}`);
};

/** Parse a JSON column without throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, problem: `invalid JSON: ${(e as Error).message}` };
  }
}
