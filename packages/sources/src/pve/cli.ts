// npm run pve -- snapshot DIR   : the snapshot built from a replay directory, one line of JSON
// (the same code path as a live cluster: ReplayTransport → PveClient → observeOnce → buildSnapshot)
import { basename, resolve } from 'node:path';
import { PveClient } from './client';
import { observeOnce } from './source';
import { ReplayTransport } from './transport';

async function main(argv: string[]): Promise<number> {
  const [cmd, dir] = argv;
  if (cmd !== 'snapshot' || !dir) {
    process.stderr.write('usage: npm run pve -- snapshot DIR   (DIR: one file per API path, e.g. cluster__status.json)\n');
    return 2;
  }
  const abs = resolve(process.env.INIT_CWD ?? process.cwd(), dir);
  const id = basename(abs);
  const { snapshot, notes } = await observeOnce(new PveClient(new ReplayTransport(abs)), { clusterId: id, name: id });
  for (const n of notes) process.stderr.write(`note: ${n}\n`);
  process.stdout.write(`${JSON.stringify(snapshot)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`pve: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
