// The query string as plain text: `?cluster=123&severity=critical` reads as strings ("123" stays a string,
// not the number the router's default JSON parsing would make of it) and is written back the same way,
// so URLs stay readable and the schemas (routes/search.ts) decide what each value means.
export function parseSearch(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) if (!(k in out)) out[k] = v;
  return out;
}

export function stringifySearch(search: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(search)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
