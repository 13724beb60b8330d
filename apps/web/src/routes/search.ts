// The search params every page has, as a typed schema (zod/mini: small, and only what the routes use), and the
// helpers the pages' own schemas are built from. The router parses the query string to plain strings
// (routes/serialize.ts); the schemas turn them into typed values and drop a value that does not fit (a bad
// bookmark shows the unfiltered page, not an error). A page's own filters live in its own file
// (history-search.ts, audit-search.ts, links-search.ts, …), judged by the page and loaded with it, so the
// first load carries none of them.
import * as z from 'zod/mini';

/** a value that may be absent; one that does not parse counts as absent */
export const optional = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);

/** a list position: a whole number ≥ 0 */
export const offset = optional(z.coerce.number().check(z.refine((n) => Number.isInteger(n) && n >= 0)));

/** every page: the chosen cluster (survives a reload), and the static `?sample=` layouts */
export const rootSearch = z.object({
  cluster: optional(z.string().check(z.minLength(1), z.maxLength(128))),
  sample: optional(z.string().check(z.maxLength(32))),
});
export type RootSearch = z.output<typeof rootSearch>;
