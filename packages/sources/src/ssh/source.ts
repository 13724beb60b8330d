// A real Proxmox VE / Corosync cluster over SSH: one SshRunner per node (key auth, pinned host key),
// the Corosync source on top. The BFF wiring (which clusters, from where) is done elsewhere; this is the
// config shape it validates and the factory it calls.
//
// Config (JSON, e.g. one entry of the BFF's cluster list):
//   {
//     "id": "prod",                       // cluster id: letters, digits, ".", "_", "-" (room names, query values)
//     "name": "Production",               // optional, shown in the dashboard
//     "nodes": [                          // every node of the corosync nodelist, by its nodelist name
//       { "name": "pve1", "host": "10.0.0.11", "port": 22, "user": "root",
//         "keyPath": "/etc/quorate/id_ed25519",              // absolute; mode 600 (refused when group/others can read it)
//                                                            // or "privateKey": "-----BEGIN OPENSSH PRIVATE KEY-----..." (kept encrypted)
//         "hostKey": "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU" }  // `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`
//     ]
//   }
// port defaults to 22, user to root. Every tool call runs as `timeout -k 1 5 <tool> ...` on the node, so
// a frozen Corosync (whose tools block forever) never leaves hung tools behind on it, even when the SSH
// channel's signal request is ignored. The `-m` watcher is long-lived and not wrapped: it is ended with a
// signal request and the channel close.
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { createCorosyncSource, type CorosyncSource, type CorosyncSourceOptions } from '../corosync';
import { normalizeFingerprint, SshRunner, type CommandResult, type CommandRunner, type RunOptions, type StreamHandle, type StreamOptions } from '../runners';

/** an ed25519 key is ~400 characters, RSA 4096 ~3.3 K: anything far bigger is not a key */
const MAX_PRIVATE_KEY = 16_384;

export const SshNodeConfig = z
  .object({
    /** the node's name in the corosync nodelist */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/, 'a node name: letters, digits, "." and "-"'),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535).default(22),
    user: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/, 'a user name').default('root'),
    /** a private key file on the BFF's machine (mode 600) ... */
    keyPath: z.string().min(1).refine(isAbsolute, 'an absolute path to the private key').optional(),
    /** ... or the key itself (OpenSSH PEM): a secret, kept in the encrypted store, never shown again */
    privateKey: z
      .string()
      .max(MAX_PRIVATE_KEY, `at most ${MAX_PRIVATE_KEY} characters`)
      .regex(/^\s*-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, 'an OpenSSH or PEM private key (-----BEGIN ... PRIVATE KEY-----)')
      .optional(),
    hostKey: z
      .string()
      .refine((v) => /^SHA256:/i.test(v.trim()) && normalizeFingerprint(v) !== null, 'SHA256:<43 base64 characters>, as `ssh-keygen -lf` prints it'),
  })
  .strict();

/** every node of the corosync nodelist, by name, each with exactly one key */
export const SshNodes = z
  .array(SshNodeConfig)
  .min(1)
  .max(32)
  .superRefine((nodes, ctx) => {
    const seen = new Set<string>();
    nodes.forEach((n, i) => {
      if (seen.has(n.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate node name '${n.name}'` });
      seen.add(n.name);
      if ((n.keyPath === undefined) === (n.privateKey === undefined))
        ctx.addIssue({ code: 'custom', path: [i, 'keyPath'], message: 'give keyPath (a key file here) or privateKey (the key itself), one of them' });
    });
  });

export const SshClusterConfig = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" and "-" only, at most 64 characters'),
    name: z.string().min(1).max(128).optional(),
    nodes: SshNodes,
  })
  .strict();

export type SshClusterConfig = z.infer<typeof SshClusterConfig>;
export type SshClusterConfigInput = z.input<typeof SshClusterConfig>;
export type SshNodeConfig = z.infer<typeof SshNodeConfig>;

/** The remote `timeout` in seconds: a tool blocked on a frozen Corosync is killed on the node after this. */
export const REMOTE_TIMEOUT_S = 5;


/**
 * Refuses a private key file that group or others may access (OpenSSH refuses those too) or that cannot
 * be read; the message names the file and the fix.
 */
export function checkKeyFile(path: string): void {
  let mode: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error(`SSH private key ${path} is not a regular file`);
    mode = st.mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === undefined) throw err;
    throw new Error(`SSH private key ${path} cannot be read: ${(err as NodeJS.ErrnoException).code}`, { cause: err });
  }
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `SSH private key ${path} is accessible by group/others (mode ${mode.toString(8).padStart(4, '0')}); refusing to use it: run chmod 600 ${path}`,
    );
  }
}

/**
 * Wraps every run() in `timeout -k 1 <s> <cmd> <args...>` on the remote side. The local deadline is set a
 * little later, so the remote timeout normally ends the call; its exit (124, or 137 after the -k kill)
 * is reported as timedOut, like a local timeout. Streams pass through (they are long-lived by design).
 */
export class RemoteTimeoutRunner implements CommandRunner {
  readonly label: string;

  constructor(
    private readonly inner: CommandRunner,
    readonly remoteTimeoutS = REMOTE_TIMEOUT_S,
  ) {
    if (!Number.isInteger(remoteTimeoutS) || remoteTimeoutS < 1) throw new Error(`remote timeout must be a whole number of seconds >= 1, got ${remoteTimeoutS}`);
    this.label = inner.label;
  }

  async run(cmd: string, args: string[], opts: RunOptions = {}): Promise<CommandResult> {
    const localMs = Math.max(opts.timeoutMs ?? 0, this.remoteTimeoutS * 1000) + 2_000;
    const r = await this.inner.run('timeout', ['-k', '1', String(this.remoteTimeoutS), cmd, ...args], { ...opts, timeoutMs: localMs });
    if (r.code === 124 || r.code === 137) return { ...r, code: null, signal: r.code === 124 ? 'SIGTERM' : 'SIGKILL', timedOut: true };
    return r;
  }

  spawnStream(cmd: string, args: string[], opts: StreamOptions): StreamHandle {
    if (!this.inner.spawnStream) throw new Error(`${this.label}: this runner cannot stream`);
    return this.inner.spawnStream(cmd, args, opts);
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }
}

export type SshCorosyncSourceOptions = Omit<CorosyncSourceOptions, 'kind' | 'nodes' | 'clusterId'> & {
  /** seconds for the remote `timeout` (default 5); the source's tool timeout follows it */
  remoteTimeoutS?: number;
  /** SSH handshake deadline, ms (default 5000) */
  connectTimeoutMs?: number;
};

/**
 * A Corosync source for a real cluster over SSH. Validates the config (throws a ZodError naming the bad
 * field) and every key file (throws naming the file and `chmod 600`) before anything connects.
 */
export function createSshCorosyncSource(config: SshClusterConfigInput, options: SshCorosyncSourceOptions = {}): CorosyncSource {
  const c = SshClusterConfig.parse(config);
  for (const keyPath of new Set(c.nodes.flatMap((n) => (n.keyPath !== undefined ? [n.keyPath] : [])))) checkKeyFile(keyPath);
  const { remoteTimeoutS = REMOTE_TIMEOUT_S, connectTimeoutMs, ...rest } = options;
  const runners: CommandRunner[] = [];
  const nodes = c.nodes.map((n) => {
    const ssh = new SshRunner({
      host: n.host,
      port: n.port,
      username: n.user,
      ...(n.privateKey !== undefined ? { privateKey: n.privateKey } : { privateKeyPath: n.keyPath ?? '' }),
      hostKeyFingerprint: n.hostKey,
      ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
      label: `ssh ${n.user}@${n.host}:${n.port} (${n.name})`,
    });
    const runner = new RemoteTimeoutRunner(ssh, remoteTimeoutS);
    runners.push(runner);
    return { name: n.name, runner };
  });
  const source = createCorosyncSource({ toolTimeoutMs: remoteTimeoutS * 1000, ...rest, clusterId: c.id, ...(c.name !== undefined ? { clusterName: c.name } : {}), kind: 'ssh', nodes });
  // the SSH connections are the source's: closed when it stops
  const stop = source.stop.bind(source);
  return Object.assign(source, {
    async stop() {
      await stop();
      await Promise.all(runners.map((r) => r.close?.().catch(() => undefined)));
    },
  });
}
