// The QDevice page's search params (issue 16): the qnetd host (the model's QnetdHost judges it; 253 = a DNS
// name's limit), the algorithm, force, the running task. Apart from join-search.ts and judged by the page, so the
// first load carries none of it (the router only casts).
import * as z from 'zod/mini';

const optional = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);
const text = (max: number) => optional(z.string().check(z.minLength(1), z.maxLength(max)));

export const qdeviceSearch = z.object({
  host: text(253),
  algorithm: optional(z.enum(['ffsplit', 'lms'])),
  force: optional(z.enum(['1'])),
  task: text(128),
});
export type QdeviceSearch = z.output<typeof qdeviceSearch>;
