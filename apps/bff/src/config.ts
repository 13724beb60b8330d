// Configuration from the environment, validated once at start-up. Every error names the variable.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Password, Username } from '@quorate/model';
import { issuesText, parseClusterEntry, type ClusterConfig, type KindDefaults } from './cluster-entry';
import { chooseFormat, type LogFormat } from './log-format';

export type { ClusterConfig } from './cluster-entry';

/** the repository root: relative paths (QUORATE_WEB_DIST) are resolved from here, not from the cwd */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Express's `trust proxy`: false, true, a hop count, or addresses/subnets ('loopback', '10.0.0.0/8') */
export type TrustProxy = boolean | number | string[];

export interface Config {
  host: string;
  port: number;
  logLevel: LogLevel;
  /** pretty (a terminal) or json */
  logFormat: LogFormat;
  webDist: string;
  /** the clusters of QUORATE_CLUSTERS (or the one of QUORATE_SOURCE); more are added through the API */
  clusters: ClusterConfig[];
  /** what a kind's settings default to (QUORATE_SIM_*, QUORATE_LAB_PREFIX), here and for clusters added later */
  kindDefaults: KindDefaults;
  /** SQLite database, secret key (unless secretKeyFile), sim state */
  dataDir: string;
  /** AES key for stored cluster credentials; default <dataDir>/secret.key */
  secretKeyFile?: string;
  /** headless first run: create this admin when no user exists */
  admin: { username: string; password: string | null };
  /** registered as an operator token at every start */
  apiToken: string | null;
  /** serve https with these files (the key file must not be readable by others) */
  tls: { certFile: string; keyFile: string } | null;
  trustProxy: TrustProxy;
  /** origins allowed besides the page's own host (a proxy that rewrites Host) */
  allowedOrigins: string[];
  /** Host names accepted besides loopback, this machine's addresses and names, and allowedOrigins' hosts ('*' = any) */
  allowedHosts: string[];
  sessionTtlMs: number;
  /** open sockets per user or API token */
  maxSocketsPerIdentity: number;
  /** see QUORATE_TELEMETRY_MIN_MS */
  telemetryMinMs: number;
  /**
   * replicas on a shared PostgreSQL (QUORATE_DATABASE_URL); null: the embedded SQLite in dataDir, one BFF.
   * url holds the password: never log it (the store's `where` is the URL without it).
   */
  database: { url: string; replicaUrl: string | null; leaseTtlMs: number; redisUrl: string | null } | null;
}

const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export type LogLevel = z.infer<typeof LogLevel>;

/**
 * clusters in one BFF, configured and added together (each has its collector and its sockets); npm run
 * bench:clusters measures 100 of 3–16 nodes (memory and CPU per cluster); beyond a few hundred, run replicas
 */
export const MAX_CLUSTERS = 200;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** a host name (RFC 1123 labels) */
const hostName = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const ListenHost = z.union([z.ipv4(), z.ipv6(), z.string().regex(hostName)], {
  error: 'an IP address or host name to listen on, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)',
});
/** QUORATE_ALLOWED_HOSTS: host names or addresses, no scheme or port; '*' accepts any (no DNS rebinding protection) */
const AllowedHost = z.union([z.literal('*'), z.ipv4(), z.ipv6(), z.string().regex(hostName)], {
  error: "comma-separated host names or addresses without scheme or port, e.g. quorate.lan,10.0.0.5 ('*' = any)",
});

const Env = z.object({
  HOST: ListenHost.default('127.0.0.1'),
  PORT: int(0, 65535).default(8080),
  LOG_LEVEL: LogLevel.default('info'),
  /** pretty lines on a terminal, JSON otherwise; this forces one */
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  QUORATE_SOURCE: z.enum(['sim', 'lab']).default('sim'),
  /** which lab (`npm run lab -- up --prefix P`) the lab source attaches to */
  QUORATE_LAB_PREFIX: z.string().regex(/^[a-z][a-z0-9]{0,11}$/, 'a lab prefix: lower-case letters and digits').default('qlab'),
  QUORATE_SIM_TOKEN_MS: int(100, 600_000).default(3000),
  /** a number, or any string (the simulator hashes it) */
  QUORATE_SIM_SEED: z
    .string()
    .min(1)
    .transform((v) => (/^\d{1,15}$/.test(v) ? Number(v) : v))
    .optional(),
  /** 0 only with spares: a sim of standalone nodes to create a cluster from */
  QUORATE_SIM_NODES: int(0, 32)
    .refine((n) => n !== 1, 'a cluster has at least 2 nodes (0: standalone spares only, with QUORATE_SIM_SPARES)')
    .default(3),
  /** standalone spare nodes beside the cluster, to join (0–16) */
  QUORATE_SIM_SPARES: int(0, 16).optional(),
  QUORATE_SIM_LINKS: int(1, 8).default(2),
  QUORATE_SIM_TICK_MS: int(10, 600_000).default(1000),
  QUORATE_CLUSTERS: z.string().optional(),
  QUORATE_WEB_DIST: z.string().min(1).default('apps/web/dist'),
  QUORATE_DATA_DIR: z.string().min(1).default('.data'),
  QUORATE_SECRET_KEY_FILE: z.string().min(1).optional(),
  QUORATE_ADMIN_USER: Username.default('admin'),
  QUORATE_ADMIN_PASSWORD: Password.optional(),
  QUORATE_ADMIN_PASSWORD_FILE: z.string().min(1).optional(),
  QUORATE_API_TOKEN: z.string().min(16, 'must be at least 16 characters').max(512, 'must be at most 512 characters').optional(),
  QUORATE_TLS_CERT: z.string().min(1).optional(),
  QUORATE_TLS_KEY: z.string().min(1).optional(),
  QUORATE_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[A-Za-z0-9.:/]+(,[A-Za-z0-9.:/]+)*)$/, "false, true, a hop count, or comma-separated addresses/subnets ('loopback', '10.0.0.0/8')")
    .default('false'),
  QUORATE_ALLOWED_ORIGINS: z
    .string()
    .regex(/^https?:\/\/[^\s,/]+(,https?:\/\/[^\s,/]+)*$/, 'comma-separated origins like https://quorate.example.org')
    .optional(),
  QUORATE_ALLOWED_HOSTS: z
    .string()
    .transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter((h) => h.length > 0))
    .pipe(z.array(AllowedHost))
    .optional(),
  QUORATE_SESSION_HOURS: int(1, 24 * 90).default(12),
  QUORATE_MAX_SOCKETS_PER_IDENTITY: int(1, 100_000).default(20),
  /** a telemetry-only change (latency, loss, storage sizes) reaches browsers at most this often; 0: at once */
  QUORATE_TELEMETRY_MIN_MS: int(0, 10_000).default(250),
  QUORATE_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'a PostgreSQL URL: postgres://user:password@host:5432/database')
    .optional(),
  /** how the other replicas reach this one (forwarded operations); default http://HOST:PORT */
  QUORATE_REPLICA_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+\/?$/, 'a base URL the other replicas reach this one at, e.g. http://10.0.0.5:8080')
    .optional(),
  /** a dead replica's clusters move to the others this long after its last renewal (renewed every third of it) */
  QUORATE_LEASE_TTL_MS: int(1_000, 600_000).default(6_000),
  /** replicas: the fan-out between them through Redis streams instead of PostgreSQL's NOTIFY (bench:scale) */
  QUORATE_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'a Redis URL: redis://host:6379 (rediss:// for TLS)')
    .optional(),
});

/** parse the environment; throws ConfigError whose message names each bad variable */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // an empty variable means "not set" (docker-compose and shells often pass FOO=)
  const raw = Object.fromEntries(Object.keys(Env.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = Env.safeParse(raw);
  if (!parsed.success) {
    const text = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${text}`);
  }
  const e = parsed.data;
  if (e.QUORATE_SIM_NODES === 0 && !e.QUORATE_SIM_SPARES) throw new ConfigError('invalid environment: QUORATE_SIM_NODES: 0 needs QUORATE_SIM_SPARES (standalone nodes to create a cluster from)');
  const kindDefaults: KindDefaults = {
    sim: {
      nodes: e.QUORATE_SIM_NODES,
      links: e.QUORATE_SIM_LINKS,
      tokenMs: e.QUORATE_SIM_TOKEN_MS,
      tickMs: e.QUORATE_SIM_TICK_MS,
      ...(e.QUORATE_SIM_SEED !== undefined ? { seed: e.QUORATE_SIM_SEED } : {}),
      ...(e.QUORATE_SIM_SPARES !== undefined ? { spares: e.QUORATE_SIM_SPARES } : {}),
    },
    lab: { prefix: e.QUORATE_LAB_PREFIX },
  };
  const clusters = e.QUORATE_CLUSTERS === undefined ? [defaultCluster(e.QUORATE_SOURCE, kindDefaults)] : parseClusters(e.QUORATE_CLUSTERS, kindDefaults);

  const fromRoot = (p: string) => (isAbsolute(p) ? p : resolve(repoRoot, p));
  if (e.QUORATE_ADMIN_PASSWORD !== undefined && e.QUORATE_ADMIN_PASSWORD_FILE !== undefined)
    throw new ConfigError('invalid environment: QUORATE_ADMIN_PASSWORD and QUORATE_ADMIN_PASSWORD_FILE: set one, not both');
  let adminPassword = e.QUORATE_ADMIN_PASSWORD ?? null;
  if (e.QUORATE_ADMIN_PASSWORD_FILE !== undefined) adminPassword = readPasswordFile(fromRoot(e.QUORATE_ADMIN_PASSWORD_FILE));
  if ((e.QUORATE_TLS_CERT === undefined) !== (e.QUORATE_TLS_KEY === undefined))
    throw new ConfigError('invalid environment: QUORATE_TLS_CERT and QUORATE_TLS_KEY: set both (https) or neither (http)');

  if (e.QUORATE_DATABASE_URL !== undefined && e.QUORATE_SECRET_KEY_FILE === undefined)
    throw new ConfigError('invalid environment: QUORATE_DATABASE_URL needs QUORATE_SECRET_KEY_FILE: every replica must read stored credentials with the same key file');
  if (e.QUORATE_DATABASE_URL === undefined && e.QUORATE_REDIS_URL !== undefined)
    throw new ConfigError('invalid environment: QUORATE_REDIS_URL is for replicas on a shared database: set QUORATE_DATABASE_URL too');
  if (e.QUORATE_DATABASE_URL === undefined && e.QUORATE_REPLICA_URL !== undefined)
    throw new ConfigError('invalid environment: QUORATE_REPLICA_URL is for replicas on a shared database: set QUORATE_DATABASE_URL too');

  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    logFormat: chooseFormat(e.LOG_FORMAT, process.stdout.isTTY === true),
    webDist: fromRoot(e.QUORATE_WEB_DIST),
    clusters,
    kindDefaults,
    dataDir: fromRoot(e.QUORATE_DATA_DIR),
    ...(e.QUORATE_SECRET_KEY_FILE !== undefined ? { secretKeyFile: fromRoot(e.QUORATE_SECRET_KEY_FILE) } : {}),
    admin: { username: e.QUORATE_ADMIN_USER, password: adminPassword },
    apiToken: e.QUORATE_API_TOKEN ?? null,
    tls: e.QUORATE_TLS_CERT !== undefined && e.QUORATE_TLS_KEY !== undefined ? { certFile: fromRoot(e.QUORATE_TLS_CERT), keyFile: fromRoot(e.QUORATE_TLS_KEY) } : null,
    trustProxy: parseTrustProxy(e.QUORATE_TRUST_PROXY),
    allowedOrigins: e.QUORATE_ALLOWED_ORIGINS?.split(',') ?? [],
    allowedHosts: e.QUORATE_ALLOWED_HOSTS ?? [],
    sessionTtlMs: e.QUORATE_SESSION_HOURS * 3_600_000,
    maxSocketsPerIdentity: e.QUORATE_MAX_SOCKETS_PER_IDENTITY,
    telemetryMinMs: e.QUORATE_TELEMETRY_MIN_MS,
    database:
      e.QUORATE_DATABASE_URL === undefined
        ? null
        : { url: e.QUORATE_DATABASE_URL, replicaUrl: e.QUORATE_REPLICA_URL?.replace(/\/$/, '') ?? null, leaseTtlMs: e.QUORATE_LEASE_TTL_MS, redisUrl: e.QUORATE_REDIS_URL ?? null },
  };
}

/** no QUORATE_CLUSTERS: one cluster, 'lab-cluster', of QUORATE_SOURCE */
function defaultCluster(source: 'sim' | 'lab', defaults: KindDefaults): ClusterConfig {
  const r = parseClusterEntry({ id: 'lab-cluster', source, default: true }, defaults, 'config');
  if (!r.ok) throw new ConfigError(`invalid environment: ${issuesText('QUORATE_SOURCE', r.issues)}`);
  return r.cluster;
}

/** QUORATE_CLUSTERS: a JSON array of entries (cluster-entry.ts); ids unique, at most one default (else the first) */
function parseClusters(text: string, defaults: KindDefaults): ClusterConfig[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`invalid environment: QUORATE_CLUSTERS: not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(json)) throw new ConfigError('invalid environment: QUORATE_CLUSTERS: a JSON array of cluster entries, e.g. [{"id":"lab","source":"sim"}]');
  if (json.length === 0) throw new ConfigError('invalid environment: QUORATE_CLUSTERS: name at least one cluster');
  if (json.length > MAX_CLUSTERS) throw new ConfigError(`invalid environment: QUORATE_CLUSTERS: at most ${MAX_CLUSTERS} clusters`);
  const problems: string[] = [];
  const clusters: ClusterConfig[] = [];
  const seen = new Set<string>();
  json.forEach((entry, i) => {
    const id: unknown = (entry as { id?: unknown } | null)?.id;
    if (typeof id === 'string') {
      if (seen.has(id)) problems.push(`QUORATE_CLUSTERS[${i}].id: duplicate cluster id '${id}'`);
      seen.add(id);
    }
    const r = parseClusterEntry(entry, defaults, 'config');
    if (!r.ok) return void problems.push(issuesText(`QUORATE_CLUSTERS[${i}]`, r.issues));
    clusters.push(r.cluster);
  });
  if (clusters.filter((c) => c.default).length > 1) problems.push('QUORATE_CLUSTERS: at most one cluster may be the default');
  if (problems.length > 0) throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
  if (!clusters.some((c) => c.default) && clusters[0]) clusters[0].default = true;
  return clusters;
}

function parseTrustProxy(v: string): TrustProxy {
  if (v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',');
}

/** the first line of the file; a trailing newline (echo pw > file) is not part of the password */
function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`invalid environment: QUORATE_ADMIN_PASSWORD_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const password = text.split(/\r?\n/)[0] ?? '';
  const ok = Password.safeParse(password);
  if (!ok.success) throw new ConfigError(`invalid environment: QUORATE_ADMIN_PASSWORD_FILE: ${ok.error.issues[0]?.message ?? 'invalid password'}`);
  return password;
}
