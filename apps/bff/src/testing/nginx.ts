// Debian's nginx running deploy/nginx/quorate.conf for tests and benchmarks: the example's marked lines swapped
// for loopback values, everything else as shipped, in a throwaway prefix directory.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isExecutable } from './executable';

const run = promisify(execFile);
export const NGINX = '/usr/sbin/nginx';
export const EXAMPLE_FILE = join(resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..'), 'deploy/nginx/quorate.conf');
/** nginx starts in well under a second; a slow machine gets this long */
const START_TIMEOUT_MS = 10_000;

export const isRoot = process.getuid?.() === 0;
export const hasNginx = isExecutable(NGINX);

/** the example with each marked line swapped; every marker must be there exactly once (the file must not drift) */
export function configureExample(values: Record<string, string>, example = readFileSync(EXAMPLE_FILE, 'utf8')): string {
  let out = example;
  for (const [marker, line] of Object.entries(values)) {
    const re = new RegExp(`^.*# ${marker}$`, 'gm');
    const hits = out.match(re) ?? [];
    if (hits.length !== 1) throw new Error(`deploy/nginx/quorate.conf: marker '# ${marker}' found ${hits.length} times, expected once`);
    out = out.replace(re, `    ${line}`);
  }
  return out;
}

export interface Nginx {
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Writes site as an http-level include of a main file like Debian's (everything inside dir), checks it with
 * nginx -t, starts nginx in the foreground and waits until up() says it answers.
 */
export async function startNginx(dir: string, site: string, up: () => Promise<boolean>, workerConnections = 128): Promise<Nginx> {
  writeFileSync(join(dir, 'quorate.conf'), site);
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${join(dir, t)};`).join('\n  ');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${isRoot ? 'user root;\n' : ''}daemon off;\nworker_processes 1;\nworker_rlimit_nofile ${workerConnections * 2 + 64};\npid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'error.log')} warn;\nevents { worker_connections ${workerConnections}; }\nhttp {\n  access_log off;\n  ${temps}\n  include ${join(dir, 'quorate.conf')};\n}\n`,
  );
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf')];
  await run(NGINX, ['-t', ...args]).catch((err: { stderr?: string }) => {
    throw new Error(`nginx -t refused the configuration: ${err.stderr ?? String(err)}`);
  });
  const child = spawn(NGINX, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGQUIT');
    await new Promise((r) => child.once('exit', r));
  };
  for (const until = Date.now() + START_TIMEOUT_MS; ; ) {
    if (await up().catch(() => false)) return { process: child, stop };
    if (Date.now() > until || child.exitCode !== null) {
      await stop();
      let log = '';
      try {
        log = readFileSync(join(dir, 'error.log'), 'utf8');
      } catch {
        /* none yet */
      }
      throw new Error(`nginx did not answer within ${START_TIMEOUT_MS} ms: ${stderr}${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
