// The 'lab' kind: real Corosync in network namespaces (`npm run lab -- up --prefix P`). The lab may be
// started after the dashboard: until then the source is down and says how to start one.
import { z } from 'zod';
import { deferredSource } from '../deferred';
import { defineKind, noSecrets } from '../kind';
import { createLabSource } from './source';
import { DEFAULT_PREFIX } from './state';

export const LabSettings = z
  .object({
    /** which lab to attach to: `npm run lab -- up --prefix P` */
    prefix: z.string().regex(/^[a-z][a-z0-9]{0,11}$/, 'a lab prefix: lower-case letters and digits, at most 12').default(DEFAULT_PREFIX),
  })
  .strict();
export type LabSettings = z.infer<typeof LabSettings>;

export const labKind = defineKind({
  kind: 'lab',
  title: 'Corosync lab (network namespaces)',
  settings: LabSettings,
  ...noSecrets,
  create(s, ctx) {
    const log = (line: string) => ctx.log(`cluster '${ctx.clusterId}': ${line}`);
    const operations = ctx.labOperations?.(s.prefix, { current: () => source.current(), log });
    const source = deferredSource({
      clusterId: ctx.clusterId,
      kind: 'lab',
      // it follows the lab: a rebuilt lab (other nodes) is re-attached, and what happens is logged
      create: () => createLabSource(s.prefix, { clusterId: ctx.clusterId, log, ...(operations ? { operations } : {}) }),
      onError: log,
    });
    return source;
  },
});
