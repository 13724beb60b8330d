// `npm run pve`: the pve command line (packages/sources/src/pve/cli.ts) given the BFF's view of clusters, for
// `record`: QUORATE_CLUSTERS parsed exactly as the BFF parses it (loadConfig), then the clusters added through
// the API (the store in QUORATE_DATA_DIR, secrets decrypted with the BFF's key file; the same row → config
// as at start-up). Opening the store never creates it: without a database there are no runtime clusters.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '@quorate/store';
import { PveCliError, pveCli, type PveCliIo, type RecordTarget } from '@quorate/sources';
import { storedClusterConfig } from '../cluster-entry';
import { loadConfig, type ClusterConfig } from '../config';

/** the store's database file (packages/store/src/db.ts DB_FILE) */
const DB_FILE = 'quorate.db';

/** the cluster with this id, secrets included, as the BFF would watch it; PveCliError (words) otherwise */
export async function findCluster(id: string, env: NodeJS.ProcessEnv): Promise<RecordTarget> {
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    throw new PveCliError((err as Error).message);
  }
  const target = (c: ClusterConfig): RecordTarget => ({ id: c.id, name: c.name, source: c.source, settings: c.settings });
  const configured = config.clusters.find((c) => c.id === id);
  if (configured) return target(configured);
  const known = config.clusters.map((c) => c.id);
  if (existsSync(join(config.dataDir, DB_FILE))) {
    const store = await openStore({ dataDir: config.dataDir, ...(config.secretKeyFile !== undefined ? { keyFile: config.secretKeyFile } : {}) });
    try {
      const rows = (await store.clusters.list()).filter((r) => r.removedAt === null);
      const row = rows.find((r) => r.id === id);
      if (row) {
        const r = await storedClusterConfig(row, () => store.clusters.secrets(row.id));
        if (!r.ok) throw new PveCliError(`cluster '${id}' (added through the API) cannot be read: ${r.why}`);
        return target(r.cluster);
      }
      known.push(...rows.map((r) => r.id));
    } finally {
      await store.close();
    }
  }
  throw new PveCliError(`no cluster '${id}' in QUORATE_CLUSTERS or among the clusters added through the API of ${config.dataDir} (known: ${known.join(', ') || 'none'})`);
}

export function main(args: string[], env: NodeJS.ProcessEnv = process.env, io: Partial<PveCliIo> = {}): Promise<number> {
  return pveCli(args, {
    // npm run sets the cwd to the repository; relative directories mean the caller's
    cwd: env.INIT_CWD || process.cwd(),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    findCluster: (id) => findCluster(id, env),
    ...io,
  });
}
