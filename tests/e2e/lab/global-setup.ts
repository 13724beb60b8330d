// Brings up the 3-node lab (token 1000) with 2 spares (pve4, pve5: the join spec's) the lab specs watch; without root it does nothing (the spec skips).
import { Lab, down } from '@quorate/lab';
import { labCheck, labPrefix } from './lab-env';

export default async function globalSetup(): Promise<void> {
  const avail = await labCheck();
  if (!avail.ok) {
    console.warn(`lab e2e: no lab (${avail.reason}); the lab specs will skip`);
    return;
  }
  const prefix = labPrefix();
  try {
    await Lab.up({ nodes: 3, spare: 2, token: 1000, prefix, log: (l) => console.log(`[lab ${prefix}] ${l}`) });
  } catch (err) {
    await down(prefix).catch(() => undefined);
    throw err;
  }
}
