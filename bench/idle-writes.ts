// npm run bench:idle-writes — how much an idle BFF writes to disk: the default 3-node sim (tick 1 s), no
// client, no fault. Starts the BFF as a child (port 0, a temporary data directory), waits IDLE_WARMUP_S
// (default 30) and measures /proc/<pid>/io write_bytes over IDLE_MINUTES (default 2, fractions allowed).
// Last line: idle_writes kb_per_min=X
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sleep, startBff, writeBytes } from './bff-child';

const MINUTES = Number(process.env.IDLE_MINUTES ?? 2);
const WARMUP_S = Number(process.env.IDLE_WARMUP_S ?? 30);
if (!(MINUTES > 0) || !(WARMUP_S >= 0)) throw new Error('IDLE_MINUTES must be > 0 and IDLE_WARMUP_S >= 0');

const bff = await startBff({}, 'idle');
try {
  console.log(`BFF pid ${bff.pid} on ${bff.url}, data in ${bff.dataDir}; warm-up ${WARMUP_S} s, measuring ${MINUTES} min`);
  await sleep(WARMUP_S * 1000);
  const w0 = writeBytes(bff.pid);
  const t0 = Date.now();
  await sleep(MINUTES * 60_000);
  const kb = (writeBytes(bff.pid) - w0) / 1024;
  const minutes = (Date.now() - t0) / 60_000;
  const files = readdirSync(bff.dataDir).map((f) => `${f} ${(statSync(join(bff.dataDir, f)).size / 1024).toFixed(0)} KB`);
  console.log(`data dir: ${files.join(', ')}`);
  const perMin = kb / minutes;
  console.log(`target: <= 100 KB/min (${perMin <= 100 ? 'met' : 'MISSED'})`);
  console.log(`idle_writes kb_per_min=${perMin.toFixed(1)}`);
} finally {
  await bff.stop();
}
process.exit(0);
