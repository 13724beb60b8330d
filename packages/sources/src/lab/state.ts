// The lab's state file: the contract between tools/lab (which writes it on `lab up`) and the lab source
// (which reads it to find the nodes' namespaces). It lives here so the lab tool depends on sources, not both ways.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** Where state files live: one JSON file per lab prefix. */
export const STATE_DIR = '/run/quorate-lab';
export const DEFAULT_PREFIX = 'qlab';
export const CLUSTER_NAME = 'lab-cluster';

export const stateFile = (prefix: string) => `${STATE_DIR}/${prefix}.json`;
export const labDir = (prefix: string) => `/tmp/quorate-lab-${prefix}`;
export const nodeNamespace = (prefix: string, i: number) => `${prefix}-n${i}`;
export const bridgeNamespace = (prefix: string) => `${prefix}-br`;
/** node i on link l: 198.18.<l>.<10+i> (RFC 2544 benchmarking range) */
export const nodeAddress = (i: number, l: number) => `198.18.${l}.${10 + i}`;
/** the node's interface on link l, inside its namespace */
export const nodeIface = (l: number) => `lan${l}`;
/** the bridge port (veth peer) of node i on link l, inside the bridge namespace */
export const bridgePort = (i: number, l: number) => `n${i}l${l}`;
export const bridgeName = (l: number) => `br${l}`;

/** short, so `<prefix>-br` stays a tidy namespace name; letters and digits only */
export const PREFIX_RE = /^[a-z][a-z0-9]{0,11}$/;

export const LabNodeSchema = z.object({
  name: z.string(),
  nodeid: z.number().int(),
  namespace: z.string(),
  /** one per link, index = link number */
  addresses: z.array(z.string()),
  dir: z.string(),
  conf: z.string(),
  log: z.string(),
  /** corosync writes its pid here (our bind mount over /run) */
  pidFile: z.string(),
  /** the running corosync, or null after kill/stop */
  pid: z.number().int().nullable(),
});

export const LabStateSchema = z.object({
  version: z.literal(1),
  prefix: z.string(),
  clusterName: z.string(),
  links: z.number().int(),
  token: z.number().int(),
  nodes: z.array(LabNodeSchema),
  bridgeNamespace: z.string(),
  /** every namespace of the lab, nodes first, bridge last */
  namespaces: z.array(z.string()),
  dir: z.string(),
  authkey: z.string(),
  createdAt: z.string(),
  /** every corosync pid this lab ever started: their libqb blackbox files are removed on down */
  pastPids: z.array(z.number().int()),
});

export type LabNode = z.infer<typeof LabNodeSchema>;
export type LabState = z.infer<typeof LabStateSchema>;

/** The lab's state, or null when no lab with this prefix is up. Throws on a corrupt file. */
export async function readState(prefix = DEFAULT_PREFIX): Promise<LabState | null> {
  return readStateWith(prefix, LabStateSchema);
}

/** The state file read with a schema of the reader's (the lab tool's has fields of its own), or null when absent. */
export async function readStateWith<S extends z.ZodType>(prefix: string, schema: S): Promise<z.output<S> | null> {
  let text: string;
  try {
    text = await readFile(stateFile(prefix), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return schema.parse(JSON.parse(text));
}
