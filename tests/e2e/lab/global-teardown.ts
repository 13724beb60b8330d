// Removes the lab of this run (idempotent: also after a failed setup or an interrupted run).
import { down, isRoot } from '@quorate/lab';
import { labPrefix } from './lab-env';

export default async function globalTeardown(): Promise<void> {
  if (!isRoot()) return;
  const prefix = labPrefix();
  await down(prefix, (l) => console.log(`[lab ${prefix}] ${l}`));
}
