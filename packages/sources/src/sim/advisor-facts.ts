// The design advisor's facts as the simulator knows them: every running member has the sim's Corosync
// version and a true clock (the sim's time is wall time), and the network storages have their servers.
import type { AdvisorFacts, ClusterSnapshot } from '@quorate/model';
import { SIM_COROSYNC_VERSION } from './spares';
import { STORAGE_DEFS } from './storage';

export function simAdvisorFacts(snapshot: ClusterSnapshot | null): AdvisorFacts {
  const online = (snapshot?.nodes ?? []).filter((n) => n.state === 'online').map((n) => n.name);
  const storageAddresses: Record<string, string[]> = {};
  for (const def of STORAGE_DEFS) if (def.servers) storageAddresses[def.id] = [...def.servers];
  return {
    corosyncVersions: Object.fromEntries(online.map((name) => [name, SIM_COROSYNC_VERSION])),
    clockOffsetsMs: Object.fromEntries(online.map((name) => [name, 0])),
    storageAddresses,
  };
}
