// The cluster list with the states that changed merged in (the web's live cache). Its own module, importing
// types only: the web bundle takes the function without the protocol's zod schemas.
import type { ClusterList, ClusterStates } from './protocol';

/** A list with `msg`'s states merged in (by id; ids the list lacks are left out: a full list follows them). */
export function mergeClusterStates(list: ClusterList, msg: ClusterStates): ClusterList {
  const byId = new Map(msg.states.map((s) => [s.id, s]));
  let changed = false;
  const clusters = list.clusters.map((c) => {
    const s = byId.get(c.id);
    if (s === undefined) return c;
    changed = true;
    return { ...c, state: s.state, capabilities: s.capabilities };
  });
  return changed ? { ...list, clusters } : list;
}
