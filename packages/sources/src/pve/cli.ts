// The pve command line (its entry is apps/bff/src/cli/pve.ts: `record` finds clusters in the BFF's
// configuration and store, which this package cannot see):
//   npm run pve -- snapshot DIR   the snapshot built from a replay directory, one line of JSON (the same code
//                                 path as a live cluster: ReplayTransport → PveClient → observeOnce → buildSnapshot)
//   npm run pve -- record --cluster ID --out DIR [--polls N] [--force]
//                                 a live cluster's replies written as such a directory, secrets removed (record.ts)
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PveClient } from './client';
import { transportFor, type PveApiSettings } from './kind';
import { readManifest, recordCluster } from './record-dir';
import { observeOnce } from './source';
import { ReplayTransport } from './transport';

export const PVE_USAGE = `usage: npm run pve -- <command>
  snapshot DIR                                      the snapshot a replay directory gives (one line of JSON)
  record --cluster ID --out DIR [--polls N] [--force]
                                                    record cluster ID's API replies into DIR for a bug report
                                                    (N polls 2 s apart, the last reply per path; --force
                                                    replaces an earlier recording in DIR)
environment (record): QUORATE_CLUSTERS, QUORATE_DATA_DIR, QUORATE_SECRET_KEY_FILE, as the BFF reads them`;

/** the cluster to record, as the BFF knows it */
export interface RecordTarget {
  id: string;
  name: string;
  /** the source kind: only 'pve' has an API to record */
  source: string;
  settings: Record<string, unknown>;
}

export interface PveCliIo {
  /** where relative paths start (npm run: INIT_CWD) */
  cwd: string;
  out: (line: string) => void;
  err: (line: string) => void;
  /** the cluster with this id, secrets included; throws (words) when there is none */
  findCluster?: (id: string) => RecordTarget | Promise<RecordTarget>;
  /** between polls; default 2000 ms */
  pauseMs?: number;
}

/** exit code 2 (usage) or 1 (anything else), with words for the user */
export class PveCliError extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2 = 1,
  ) {
    super(message);
  }
}

const usage = (why: string) => new PveCliError(`${why}\n${PVE_USAGE}`, 2);

async function snapshot(args: string[], io: PveCliIo): Promise<void> {
  if (args.length !== 1) throw usage('snapshot takes one directory');
  const abs = resolve(io.cwd, args[0]!);
  // named as the recorded cluster was (its manifest), so the snapshot equals the live one
  const m = readManifest(abs);
  const id = m?.clusterId ?? basename(abs);
  const { snapshot: s, notes } = await observeOnce(new PveClient(new ReplayTransport(abs)), { clusterId: id, name: m?.name ?? id });
  for (const n of notes) io.err(`note: ${n}`);
  io.out(JSON.stringify(s));
}

/** the API settings of a pve cluster that has a live API, or why it cannot be recorded */
export function recordableApi(t: RecordTarget): PveApiSettings {
  if (t.source !== 'pve') throw new PveCliError(`cluster '${t.id}' is a ${t.source} cluster: record reads the Proxmox VE API, so only pve clusters (with "api": {"urls": …}) can be recorded`);
  const api = (t.settings as { api?: PveApiSettings }).api;
  if (api?.replay !== undefined) throw new PveCliError(`cluster '${t.id}' replays ${api.replay} already: copy that directory instead`);
  if (api === undefined || api.urls === undefined) throw new PveCliError(`cluster '${t.id}' has no API URLs (ssh only?): nothing to record`);
  return api;
}

/** the token secret, read once, so the recording can be checked for it */
function tokenSecret(id: string, api: PveApiSettings): string {
  if (api.tokenSecret !== undefined) return api.tokenSecret;
  try {
    return readFileSync(api.tokenSecretFile!, 'utf8').trim();
  } catch (err) {
    throw new PveCliError(`cluster '${id}': token secret file ${api.tokenSecretFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function record(args: string[], io: PveCliIo): Promise<void> {
  let v: { cluster?: string; out?: string; polls?: string; force?: boolean };
  try {
    ({ values: v } = parseArgs({ args, options: { cluster: { type: 'string' }, out: { type: 'string' }, polls: { type: 'string' }, force: { type: 'boolean' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw usage((err as Error).message);
  }
  if (!v.cluster) throw usage('record needs --cluster ID');
  if (!v.out) throw usage('record needs --out DIR');
  const polls = v.polls === undefined ? 1 : Number(v.polls);
  if (!Number.isInteger(polls) || polls < 1 || polls > 100) throw usage(`--polls: a whole number from 1 to 100, not '${v.polls}'`);
  if (!io.findCluster) throw new PveCliError('record needs the BFF configuration: run it as npm run pve -- record …');
  const target = await io.findCluster(v.cluster);
  const api = recordableApi(target);
  const secret = tokenSecret(target.id, api);
  const dir = resolve(io.cwd, v.out);
  const r = await recordCluster({ transport: transportFor(api), secrets: [secret], clusterId: target.id, name: target.name, dir, polls, force: v.force === true, pauseMs: io.pauseMs });
  for (const f of r.files) io.out(`${f.file}\t${f.status === 0 ? 'no reply' : f.status} ${f.reason}\t${Buffer.byteLength(f.content)} bytes`);
  if (r.error) io.out(`the cluster gave no status (${r.error}); the recording replays that`);
  for (const n of r.notes) io.err(`note: ${n}`);
  io.out(`attach ${dir} to your bug report; no secret is in it (checked)`);
}

/** run one command; the exit code (0, 1: failed, 2: usage) */
export async function pveCli(argv: string[], io: PveCliIo): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'snapshot') await snapshot(rest, io);
    else if (cmd === 'record') await record(rest, io);
    else if (cmd === 'help' || cmd === '--help') io.out(PVE_USAGE);
    else throw usage(cmd === undefined ? 'name a command' : `unknown command '${cmd}'`);
    return 0;
  } catch (err) {
    io.err(`pve: ${err instanceof Error ? err.message : String(err)}`);
    return err instanceof PveCliError ? err.code : 1;
  }
}
