// A recording on disk: reads a live cluster the way the source does (observeOnce, N polls, the last reply per
// path kept), writes one file per path into DIR (0700; files 0600) plus a manifest, then reads every file
// back and refuses to call it safe if a secret survived. `npm run pve -- snapshot DIR` replays it.
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSnapshot } from '@quorate/model';
import { z } from 'zod';
import { PveClient } from './client';
import { RecordingTransport, findSecret, secretForms, type RecordedReply } from './record';
import { observeOnce } from './source';
import type { PveTransport } from './transport';

/** not an API path (no PVE path starts with `_`): who and when, so a replay names the cluster as live did */
export const MANIFEST = '_quorate-record.json';

const Manifest = z.object({ format: z.literal(1), clusterId: z.string(), name: z.string(), recordedAt: z.string(), polls: z.number().int() });
export type Manifest = z.infer<typeof Manifest>;

export interface RecordOptions {
  transport: PveTransport;
  /** values that must not be in DIR (the token secret) */
  secrets: string[];
  clusterId: string;
  name: string;
  dir: string;
  polls?: number;
  /** replace the .json files of a non-empty DIR */
  force?: boolean;
  /** between polls (the status poll's interval) */
  pauseMs?: number;
  now?: () => number;
}

export interface RecordResult {
  files: RecordedReply[];
  /** the last poll's snapshot; null when cluster/status gave none (then `error` says why) */
  snapshot: ClusterSnapshot | null;
  notes: string[];
  error: string | null;
}

export class RecordError extends Error {
  override name = 'RecordError';
}

/** DIR ready to write: created 0700, or an existing directory that is empty (or --force: its .json files gone) */
function prepare(dir: string, force: boolean): void {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new RecordError(`${dir} exists and is not a directory`);
    entries = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    entries = [];
  }
  if (entries.length > 0) {
    if (!force) throw new RecordError(`${dir} is not empty (${entries.length} entries); give an empty or new directory, or --force to replace its recorded files`);
    const others = entries.filter((e) => !e.endsWith('.json') || !statSync(join(dir, e)).isFile());
    if (others.length > 0) throw new RecordError(`${dir} holds more than a recording (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''}); not touching it: give an empty or new directory`);
    for (const e of entries) rmSync(join(dir, e));
  }
  chmodSync(dir, 0o700);
}

const write = (dir: string, file: string, content: string) => writeFileSync(join(dir, file), content, { mode: 0o600, flag: 'wx' });

/** every file in dir read back: one holding a secret empties dir and throws (the last line of defence) */
export function checkNoSecret(dir: string, secrets: readonly string[]): void {
  const forms = secretForms(secrets);
  for (const f of readdirSync(dir)) {
    const found = findSecret(readFileSync(join(dir, f), 'utf8'), forms);
    if (found === null) continue;
    for (const g of readdirSync(dir)) rmSync(join(dir, g));
    throw new RecordError(`a secret is still in ${f} (${found}): the recording was deleted; please report this (without the directory)`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function recordCluster(o: RecordOptions): Promise<RecordResult> {
  const polls = o.polls ?? 1;
  prepare(o.dir, o.force === true);
  const recorder = new RecordingTransport(o.transport, o.secrets);
  const client = new PveClient(recorder);
  let last: { snapshot: ClusterSnapshot | null; notes: string[]; error: string | null } = { snapshot: null, notes: [], error: null };
  for (let i = 0; i < polls; i++) {
    if (i > 0) await sleep(o.pauseMs ?? 2000);
    try {
      const r = await observeOnce(client, { clusterId: o.clusterId, name: o.name, ...(o.now ? { now: o.now } : {}) });
      last = { ...r, error: null };
    } catch (err) {
      // no cluster/status: still worth a report (the replay fails the same way)
      last = { snapshot: null, notes: [], error: err instanceof Error ? err.message : String(err) };
    }
  }
  const files = recorder.replies;
  for (const f of files) write(o.dir, f.file, f.content);
  const manifest: Manifest = { format: 1, clusterId: o.clusterId, name: o.name, recordedAt: new Date((o.now ?? Date.now)()).toISOString(), polls };
  write(o.dir, MANIFEST, `${JSON.stringify(manifest, null, 1)}\n`);
  checkNoSecret(o.dir, o.secrets);
  return { files, ...last };
}

/** the manifest of a recorded DIR, or null (a hand-made or older directory) */
export function readManifest(dir: string): Manifest | null {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
  } catch {
    return null;
  }
  const m = Manifest.safeParse(json);
  return m.success ? m.data : null;
}
