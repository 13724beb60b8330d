// Writing the lab's state file; its schema, paths and reader are shared with the lab source (@quorate/sources).
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { stateFile, STATE_DIR, type LabState } from '@quorate/sources';

export {
  STATE_DIR,
  DEFAULT_PREFIX,
  CLUSTER_NAME,
  stateFile,
  labDir,
  nodeNamespace,
  bridgeNamespace,
  nodeAddress,
  nodeIface,
  bridgePort,
  bridgeName,
  PREFIX_RE,
  LabNodeSchema,
  LabStateSchema,
  readState,
  type LabNode,
  type LabState,
} from '@quorate/sources';

let writes: Promise<void> = Promise.resolve();
let tmpSeq = 0;

/** Writes are queued (nodes start in parallel) and atomic (tmp + rename): readers never see half a file. */
export function writeState(state: LabState): Promise<void> {
  const text = `${JSON.stringify(state, null, 2)}\n`; // as of the call, not of the turn in the queue
  const file = stateFile(state.prefix);
  const tmp = `${file}.${process.pid}.${++tmpSeq}.tmp`;
  const next = writes.then(async () => {
    await mkdir(STATE_DIR, { recursive: true });
    await writeFile(tmp, text);
    await rename(tmp, file);
  });
  writes = next.catch(() => undefined);
  return next;
}

export async function removeState(prefix: string): Promise<void> {
  await rm(stateFile(prefix), { force: true });
}
