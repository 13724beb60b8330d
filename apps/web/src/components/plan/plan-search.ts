// The plan page's search params: what the what-if fails, so a plan can be shared or reloaded —
// `/plan?fail=pve3,pve4&links=pve1:0,pve2:1&qdevice=1`. Values are plain strings (routes/serialize.ts); a value
// that does not parse counts as absent (a bad link shows the page with nothing picked, not an error), as in
// routes/search.ts. Names are checked against the live node list by picksFor (picks.ts), not here. Only the
// schema lives here: the router (the first page load) needs it, the page's helpers load with the page.
import * as z from 'zod/mini';

const optional = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);

/** the model's NodeName bound */
export const NODE_NAME_MAX = 64;
/** the model's WHATIF_MAX_FAILED */
export const MAX_PICKS = 256;
/** knet's links: 0..7 (the model's LinkNumber) */
export const MAX_LINK = 7;

/** a node name as it can stand in a list: no comma, colon or whitespace, at most 64 characters */
export const NAME = /^[^\s,:]{1,64}$/;
export const LINK_PICK = /^([^\s,:]{1,64}):([0-7])$/;

const list = (max: number, part: RegExp) =>
  optional(
    z.string().check(
      z.minLength(1),
      z.maxLength(max),
      z.refine((s) => s.split(',').every((p) => part.test(p))),
    ),
  );

export const planSearch = z.object({
  /** nodes that fail: "pve3,pve4" */
  fail: list(MAX_PICKS * (NODE_NAME_MAX + 1), NAME),
  /** node-links that fail: "pve1:0,pve2:1" (the node loses that link to every peer) */
  links: list(MAX_PICKS * (NODE_NAME_MAX + 3), LINK_PICK),
  /** the QDevice fails */
  qdevice: optional(z.literal('1')),
});
export type PlanSearch = z.output<typeof planSearch>;
