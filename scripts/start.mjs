// `npm start`: build what is stale, then run the built BFF (`node apps/bff/dist/main.js`).
//
//   node scripts/start.mjs                       build the web app and the BFF bundle where their sources
//                                                changed, then run the BFF (env, stdio, signals, exit code)
//   node scripts/start.mjs build [web|bff]...    build (always) and stamp; both when none is named
//   node scripts/start.mjs smoke [--report FILE] start the built BFF on a free loopback port with a temporary
//                                                data directory, wait for /healthz to answer 200, stop it
//                                                (scripts/test.sh's "start from built files" stage)
//
// Each output has a build stamp beside it (apps/web/dist/.build-stamp, apps/bff/dist/.build-stamp): a hash of
// the sources it was built from. An output is fresh when it exists and its stamp's hash is the sources' hash now.
// Plain Node ESM on purpose: it runs before anything is built, without tsx. package.json runs it as
// `exec node scripts/start.mjs`: without the exec, the `sh -c` npm starts scripts in would stand between npm and
// this process, and would not pass on the SIGTERM npm forwards when it is stopped.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * What each output is built from. Inputs are paths relative to the repository root; a `*` segment matches any
 * one directory entry; directories count with every file under them (tests excepted: no build imports a
 * `*.test.ts`); missing paths count as missing (so creating one makes the output stale). The lock file stands
 * for node_modules.
 */
export const TARGETS = {
  web: {
    output: 'apps/web/dist/index.html',
    stamp: 'apps/web/dist/.build-stamp',
    inputs: [
      'apps/web/src',
      'apps/web/public',
      'apps/web/index.html',
      'apps/web/vite.config.ts',
      'apps/web/package.json',
      'apps/web/tsconfig.json',
      'apps/web/.env',
      'apps/web/.env.local',
      'apps/web/.env.production',
      'apps/web/.env.production.local',
      'packages/model/src',
      'packages/model/package.json',
      'tsconfig.base.json',
      'package-lock.json',
    ],
    // Vite puts VITE_* variables into the bundle
    env: (env) => Object.keys(env).filter((k) => k.startsWith('VITE_')).sort().map((k) => `${k}=${env[k]}`),
  },
  bff: {
    output: 'apps/bff/dist/main.js',
    stamp: 'apps/bff/dist/.build-stamp',
    inputs: [
      'apps/bff/src',
      'apps/bff/package.json',
      'apps/bff/tsconfig.json',
      'apps/bff/build.mjs',
      'packages/*/src',
      'packages/*/package.json',
      'tsconfig.base.json',
      'package-lock.json',
    ],
  },
};

const isTest = (name) => /\.test\.[cm]?[jt]sx?$/.test(name);
const kind = (path) => {
  try {
    const s = statSync(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null;
  } catch {
    return null;
  }
};

/** expands `*` segments: `packages/*\/src` → every `packages/<x>/src` that exists */
function expand(root, pattern) {
  let paths = [''];
  for (const seg of pattern.split('/')) {
    if (seg !== '*') {
      paths = paths.map((p) => (p ? `${p}/${seg}` : seg));
      continue;
    }
    paths = paths.flatMap((p) => {
      try {
        return readdirSync(join(root, p)).sort().map((e) => (p ? `${p}/${e}` : e));
      } catch {
        return [];
      }
    });
  }
  return paths;
}

function walk(root, rel, out) {
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') walk(root, child, out);
    } else if (e.isFile() && !isTest(e.name)) out.push(child);
  }
}

/** the sorted input files of `spec` under `root`, and the paths asked for that do not exist */
export function inputFiles(root, spec) {
  const files = [];
  const missing = [];
  for (const pattern of spec.inputs) {
    const paths = expand(root, pattern);
    if (paths.length === 0) missing.push(pattern);
    for (const p of paths) {
      const k = kind(join(root, p));
      if (k === 'dir') walk(root, p, files);
      else if (k === 'file') files.push(p);
      else missing.push(p);
    }
  }
  return { files: [...new Set(files)].sort(), missing: missing.sort() };
}

/** a hash of every input file's path and content (and of the environment that goes into the build) */
export function sourceHash(root, spec, env = process.env) {
  const { files, missing } = inputFiles(root, spec);
  const h = createHash('sha256');
  for (const f of files) h.update(`file ${f}\0`).update(readFileSync(join(root, f))).update('\0');
  for (const m of missing) h.update(`missing ${m}\0`);
  for (const e of spec.env?.(env) ?? []) h.update(`env ${e}\0`);
  return { hash: h.digest('hex'), files: files.length };
}

export function readStamp(root, spec) {
  try {
    const s = JSON.parse(readFileSync(join(root, spec.stamp), 'utf8'));
    return typeof s?.hash === 'string' ? s : null;
  } catch {
    return null;
  }
}

/**
 * Whether the output of `spec` under `root` can be used as it is: it exists, and its stamp says it was built
 * from the sources as they are now. `reason` says why not.
 */
export function checkStamp(root, spec, env = process.env) {
  const { hash, files } = sourceHash(root, spec, env);
  if (kind(join(root, spec.output)) !== 'file') return { fresh: false, reason: 'not built', hash, files };
  const stamp = readStamp(root, spec);
  if (!stamp) return { fresh: false, reason: 'no build stamp', hash, files };
  if (stamp.hash !== hash) return { fresh: false, reason: 'sources changed', hash, files, builtAt: stamp.builtAt };
  return { fresh: true, reason: 'up to date', hash, files, builtAt: stamp.builtAt };
}

/** records that the output of `spec` was built from sources hashing to `hash` (written after the build) */
export function writeStamp(root, spec, hash, builtAt = new Date()) {
  const path = join(root, spec.stamp);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ hash, builtAt: builtAt.toISOString() })}\n`);
}

const say = (line) => process.stderr.write(`${line}\n`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const localTime = (iso) => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'at an unknown time';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

const builders = {
  // the workspace's own build (vite build); its output goes to stderr: stdout is the BFF's log
  web: async () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['run', '-s', 'build', '-w', '@quorate/web'], { cwd: repoRoot, stdio: ['ignore', 2, 2] });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`vite build exited with ${r.status ?? r.signal}`);
  },
  bff: async () => {
    const { buildBff } = await import('../apps/bff/build.mjs');
    const { stop } = await import('esbuild');
    try {
      await buildBff();
    } finally {
      await stop(); // no esbuild service left beside the BFF
    }
  },
};

/** builds `name` (when stale, or always with `force`) and stamps it; false when the build failed */
export async function ensureBuilt(name, { force = false } = {}) {
  const spec = TARGETS[name];
  const state = checkStamp(repoRoot, spec);
  if (state.fresh && !force) {
    say(`${name}: up to date (built ${localTime(state.builtAt)})`);
    return true;
  }
  say(`${name}: building (${force ? 'asked to' : state.reason})`);
  const started = Date.now();
  // no stamp while the output is half-made: a failed or interrupted build leaves it stale
  rmSync(join(repoRoot, spec.stamp), { force: true });
  try {
    await builders[name]();
  } catch (err) {
    say(`${name}: build failed: ${err.message}`);
    return false;
  }
  // the hash from before the build: a source edited while it ran makes the next start build again
  writeStamp(repoRoot, spec, state.hash);
  say(`${name}: built in ${seconds(Date.now() - started)}`);
  return true;
}

const BFF = join(repoRoot, TARGETS.bff.output);

/** runs the built BFF in the foreground: same env and stdio; SIGINT/SIGTERM/SIGHUP passed on; its exit is ours */
function run() {
  const child = spawn(process.execPath, ['--enable-source-maps', BFF], { stdio: 'inherit' });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => {
    // a Ctrl-C reaches the whole process group, the BFF included; it shuts down once either way
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const s of signals) process.on(s, forward);
  child.on('error', (err) => {
    say(`quorate: cannot start ${relative(repoRoot, BFF)}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, forward);
    if (signal) process.kill(process.pid, signal); // die the same way, so our parent sees the signal
    else process.exit(code ?? 1);
  });
}

/** starts the built BFF on a free loopback port with a temporary data directory, waits for /healthz to answer 200 */
async function smoke({ timeoutMs = 20_000 } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'quorate-smoke-'));
  // nothing from the caller's QUORATE_* settings (a lab source, TLS files, ...): the defaults, on loopback
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('QUORATE_') && k !== 'HOST' && k !== 'PORT'));
  const started = Date.now();
  const child = spawn(process.execPath, ['--enable-source-maps', BFF], {
    cwd: repoRoot,
    env: { ...env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', QUORATE_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(signal ?? code)));
  try {
    const url = await new Promise((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "Quorate listening" line within ${seconds(timeoutMs)}`)), timeoutMs);
      exited.then((how) => reject(new Error(`the BFF exited (${how}) before listening`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        output += `${line}\n`;
        const m = /"url":"(https?:\/\/[^"]+)"/.exec(line);
        if (m && line.includes('Quorate listening')) {
          clearTimeout(timer);
          resolveUrl(m[1]);
        }
      });
    });
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    if (res.status !== 200) throw new Error(`GET ${url}/healthz answered ${res.status}`);
    child.kill('SIGTERM');
    const how = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    if (how !== 0) throw new Error(`the BFF did not stop cleanly on SIGTERM (${how})`);
    say(`start from built files: ok (${relative(repoRoot, BFF)} answered ${url}/healthz with 200 after ${seconds(Date.now() - started)}, stopped cleanly)`);
    return true;
  } catch (err) {
    say(`start from built files: FAILED: ${err.message}`);
    if (output) say(output.trimEnd().split('\n').slice(-20).join('\n'));
    return false;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === 'build') {
    const names = rest.length ? rest : Object.keys(TARGETS);
    const unknown = names.filter((n) => !(n in TARGETS));
    if (unknown.length) {
      say(`unknown build target: ${unknown.join(', ')} (known: ${Object.keys(TARGETS).join(', ')})`);
      return 2;
    }
    for (const n of names) if (!(await ensureBuilt(n, { force: true }))) return 1;
    return 0;
  }
  if (command === 'smoke') {
    // --report FILE: the result as one test in vitest's JSON shape, for scripts/test-summary.mjs to count
    const report = rest[0] === '--report' ? rest[1] : undefined;
    const state = checkStamp(repoRoot, TARGETS.bff);
    let ok;
    if (!state.fresh) {
      const why = { 'not built': 'is not built', 'no build stamp': 'has no build stamp' }[state.reason] ?? 'is older than its sources';
      say(`start from built files: FAILED: ${relative(repoRoot, BFF)} ${why} (npm run build:bff)`);
      ok = false;
    } else {
      ok = await smoke();
    }
    if (report) writeFileSync(report, `${JSON.stringify({ numPassedTests: ok ? 1 : 0, numFailedTests: ok ? 0 : 1, numPendingTests: 0 })}\n`);
    return ok ? 0 : 1;
  }
  if (command !== undefined) {
    say(`usage: node scripts/start.mjs [build [web|bff]... | smoke [--report FILE]]`);
    return 2;
  }
  for (const n of Object.keys(TARGETS)) if (!(await ensureBuilt(n))) return 1;
  run();
  return null; // the BFF's exit decides
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await main(process.argv.slice(2));
  if (code !== null) process.exit(code);
}
