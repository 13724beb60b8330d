// npm run bench:scale — issue 17's acceptance benchmark: a throwaway PostgreSQL, SCALE_REPLICAS (3) BFF replicas on
// it behind Debian's nginx running deploy/nginx/quorate.conf (their fan-out through PostgreSQL, or Redis streams
// with SCALE_ADAPTER=redis), SCALE_CLUSTERS (100) sim clusters of 3–16 nodes
// shared out by leases, and SCALE_CLIENTS (1,500) websocket clients (bench/scale-client.ts) spread over the
// clusters and, through the proxy, over the replicas. A fault a second goes through the proxy to a random
// cluster (forwarded to its lease holder), so events flow. SCALE_KILL_AFTER_MS into the measurement the replica
// holding the most leases is killed (SIGKILL): its clusters move to the others, its clients reconnect through the
// proxy and resume by rev and seq.
// Figures (from SCALE_WARMUP_MS after the last client connected): p50/p99 delivery (change → client), failover (the longest any client went without a patch), events
// lost and duplicated across every client, peak RSS per replica.
// Last line: scale replicas=3 clusters=100 clients=N p50_ms= p99_ms= failover_ms= lost=0 dup=0 rss_mb_per_replica=
// Needs root or the postgres user (PostgreSQL), and nginx (scripts/test.sh installs both as root).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres } from '@quorate/store/pg-harness';
import { configureExample, startNginx, type Nginx } from '../apps/bff/src/testing/nginx';
import { startRedis } from '../apps/bff/src/testing/redis';
import { cpuSeconds, freePort, peakRssMb, percentile, simClusters, sleep, startReplica, type BffChild } from './bff-child';

const REPLICAS = Number(process.env.SCALE_REPLICAS ?? 3);
const CLUSTERS = Number(process.env.SCALE_CLUSTERS ?? 100);
const CLIENTS = Number(process.env.SCALE_CLIENTS ?? 1500);
const PROCS = Number(process.env.SCALE_PROCS ?? 3);
const MEASURE_MS = Number(process.env.SCALE_MS ?? 60_000);
const KILL_AFTER_MS = Number(process.env.SCALE_KILL_AFTER_MS ?? 20_000);
const LEASE_TTL_MS = Number(process.env.SCALE_LEASE_TTL_MS ?? 6_000);
/**
 * after the last client connected, this long before the measurement: the connect storm (1,500 handshakes, lists and
 * snapshots in 10 s) is start-up, not steady delivery; its figures are printed apart
 */
const WARMUP_MS = Number(process.env.SCALE_WARMUP_MS ?? 5_000);
/** the leases must be shared out before the measurement: at most this long */
const BALANCE_TIMEOUT_MS = 120_000;
const TARGET = { p99Ms: 150, failoverMs: 10_000 };
/** the replicas' fan-out: PostgreSQL's NOTIFY (socket.io's postgres adapter) or Redis streams (QUORATE_REDIS_URL) */
const ADAPTER = process.env.SCALE_ADAPTER ?? 'postgres';
if (ADAPTER !== 'postgres' && ADAPTER !== 'redis') throw new Error(`SCALE_ADAPTER: postgres or redis, not '${ADAPTER}'`);
const TOKEN = 'bench-scale-token-0123456789abcdef';
/**
 * Client source addresses: nginx's ip_hash keys on an IPv4 address's first three bytes, so clients bound to
 * 127.<i>.0.1 (all loopback on Linux) spread over the replicas as browsers on different networks would.
 */
const SOURCES = Array.from({ length: 32 }, (_, i) => `127.${i + 1}.0.1`);

const dir = mkdtempSync(join(tmpdir(), 'quorate-bench-scale-'));
const cleanup: (() => Promise<unknown> | void)[] = [];
let exitCode = 0;
try {
  // the database
  // its own directory: the harness hands it to the postgres user (dir is root's, 0700)
  const pgServer = await startPostgres({ dir: mkdtempSync(join(tmpdir(), 'quorate-bench-pg-')), port: await freePort() });
  cleanup.push(() => pgServer.stop());
  const keyFile = join(dir, 'secret.key');
  writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });

  // Redis for the fan-out, when asked for
  const redis = ADAPTER === 'redis' ? await startRedis(await freePort()) : null;
  if (redis) cleanup.push(() => redis.stop());

  // the replicas: each told its own URL, sharing the database, the key, the clusters and the token
  const clusters = simClusters(CLUSTERS);
  const replicas: { bff: BffChild; url: string }[] = [];
  for (let i = 0; i < REPLICAS; i++) {
    const r = await startReplica(
      { port: await freePort(), databaseUrl: pgServer.url, keyFile, leaseTtlMs: LEASE_TTL_MS, clusters, token: TOKEN, env: { QUORATE_MAX_SOCKETS_PER_IDENTITY: String(CLIENTS * 2), ...(redis ? { QUORATE_REDIS_URL: redis.url } : {}) } },
      `bench-scale-${i}`,
    );
    cleanup.push(() => r.bff.stop());
    replicas.push(r);
  }
  console.log(`PostgreSQL on ${new URL(pgServer.url).host}; fan-out through ${redis ? `Redis streams (${redis.url})` : "PostgreSQL's NOTIFY"}; ${REPLICAS} replicas: ${replicas.map((r) => r.url).join(', ')}`);

  // the leases shared out (each replica within one of its share)
  const db = new pg.Pool({ connectionString: pgServer.url, max: 2 });
  cleanup.push(() => db.end());
  const leasesBy = async (): Promise<Map<string, string[]>> => {
    const rows = await db.query<{ cluster_id: string; holder: string }>("SELECT cluster_id, holder FROM leases WHERE expires_at > $1 AND cluster_id NOT LIKE '~%'", [Date.now()]);
    const by = new Map<string, string[]>(replicas.map((r) => [r.url, []]));
    for (const r of rows.rows) by.get(r.holder.slice(0, r.holder.indexOf('#')))?.push(r.cluster_id);
    return by;
  };
  const share = Math.ceil(CLUSTERS / REPLICAS);
  const t0 = Date.now();
  for (;;) {
    const by = await leasesBy();
    const counts = [...by.values()].map((c) => c.length);
    if (counts.reduce((a, b) => a + b, 0) === CLUSTERS && Math.max(...counts) <= share) {
      console.log(`leases shared out in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${counts.join('/')}`);
      break;
    }
    if (Date.now() - t0 > BALANCE_TIMEOUT_MS) throw new Error(`the leases were not shared out within ${BALANCE_TIMEOUT_MS / 1000} s: ${counts.join('/')}`);
    await sleep(1_000);
  }

  // the proxy: the example file, plain HTTP on loopback (TLS would cost the shared cores; its own test covers it)
  const proxyPort = await freePort();
  const proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const nginx: Nginx = await startNginx(
    dir,
    configureExample({
      'quorate-upstream': replicas.map((r) => `server ${new URL(r.url).host} max_fails=1 fail_timeout=2s;`).join(' '),
      'quorate-listen': `listen 127.0.0.1:${proxyPort};`,
      'quorate-server-name': 'server_name _;',
      // no TLS: the certificate lines go
      'quorate-cert': '',
      'quorate-key': '',
      'quorate-listen-http': `listen 127.0.0.1:${await freePort()};`,
      'quorate-server-name-http': 'server_name quorate.bench;',
    }),
    async () => (await fetch(`${proxyUrl}/healthz`)).ok,
    CLIENTS * 2 + 256,
  );
  cleanup.push(() => nginx.stop());

  // CPU seconds by role: the replicas, PostgreSQL's processes, nginx's, the client processes (all of /proc)
  const clientPids = new Set<number>();
  const replicaPids = new Set(replicas.map((r) => r.bff.pid));
  const ROLES = ['replicas', 'postgres', 'redis', 'nginx', 'clients'] as const;
  const cpuByRole = (): { at: number; byPid: Map<number, { role: string; cpu: number }>; machine: { total: number; idle: number; steal: number } } => {
    const byPid = new Map<number, { role: string; cpu: number }>();
    for (const e of readdirSync('/proc')) {
      const pid = Number(e);
      if (!Number.isInteger(pid)) continue;
      try {
        const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        const role = replicaPids.has(pid) ? 'replicas' : clientPids.has(pid) ? 'clients' : comm === 'postgres' ? 'postgres' : comm === 'nginx' ? 'nginx' : comm === 'redis-server' ? 'redis' : null;
        if (role) byPid.set(pid, { role, cpu: cpuSeconds(pid) });
      } catch {
        // gone meanwhile
      }
    }
    // the machine's own line: idle, and stolen (a virtual machine's host ran something else: runs vary with it)
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { at: Date.now(), byPid, machine: { total: f.reduce((x, y) => x + y, 0), idle: f[3]! + f[4]!, steal: f[7] ?? 0 } };
  };
  /** per role, the CPU its processes used between two samples (a process started or gone meanwhile: from 0, or left out) */
  const cpuReport = (a: ReturnType<typeof cpuByRole>, b: ReturnType<typeof cpuByRole>) => {
    const used: Record<string, number> = Object.fromEntries(ROLES.map((r) => [r, 0]));
    for (const [pid, { role, cpu }] of b.byPid) used[role]! += cpu - (a.byPid.get(pid)?.cpu ?? 0);
    const total = b.machine.total - a.machine.total;
    const share = (k: 'idle' | 'steal') => ((100 * (b.machine[k] - a.machine[k])) / Math.max(1, total)).toFixed(1);
    return `${ROLES.map((r) => `${r} ${((100 * used[r]!) / ((b.at - a.at) / 1000)).toFixed(0)}`).join(', ')} (machine: ${share('idle')} % idle, ${share('steal')} % stolen)`;
  };

  /** per via (collector, mirror): the relay histogram's cumulative counts by bucket bound (quorate_patch_relay_seconds) */
  type Relay = Record<string, Record<string, number>>;
  const relayOf = (text: string): Relay => {
    const r: Relay = {};
    for (const m of text.matchAll(/^quorate_patch_relay_seconds_bucket\{le="([^"]+)",via="(\w+)"\} (\d+)$/gm)) (r[m[2]!] ??= {})[m[1]!] = Number(m[3]);
    return r;
  };
  /** how many relays between two readings, and the share over 0.1 s and 0.15 s */
  const relayLine = (a: Relay | undefined, b: Relay): string =>
    Object.entries(b)
      .map(([via, le]) => {
        const d = (k: string) => (le[k] ?? 0) - (a?.[via]?.[k] ?? 0);
        const n = d('+Inf');
        const over = (k: string) => (n > 0 ? ((100 * (n - d(k))) / n).toFixed(1) : '0');
        return `${via} ${n} (over 0.1 s ${over('0.1')} %, over 0.15 s ${over('0.15')} %)`;
      })
      .join(', ');
  /** a replica's /metrics: a summary line (browsers, event loop, GC, heap, the scrape's time), the mirrors' wait counters, the relay histogram */
  const replicaMetrics = async (url: string): Promise<{ line: string; waits: Record<string, number>; relay: Relay }> => {
    try {
      const asked = Date.now();
      const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      const scrapeMs = Date.now() - asked;
      const waits = Object.fromEntries([
        ...[...text.matchAll(/^quorate_replica_mirror_waits_total\{what="(\w+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]),
        ...[...text.matchAll(/^quorate_replica_feed_messages_total\{delay="([\w.]+)"\} (\d+)$/gm)].map((m) => [`feed ${m[1]!}`, Number(m[2])]),
      ]);
      const val = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN);
      const gcSum = [...text.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} ([0-9.e+-]+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);
      const ms = (name: string) => (val(name) * 1000).toFixed(0);
      return {
        line: `${val('quorate_socket_connections')} browsers; event loop delay p50 ${ms('nodejs_eventloop_lag_p50_seconds')} ms, p99 ${ms('nodejs_eventloop_lag_p99_seconds')} ms, max ${ms('nodejs_eventloop_lag_max_seconds')} ms; GC ${gcSum.toFixed(1)} s in all; heap ${(val('nodejs_heap_size_used_bytes') / 1e6).toFixed(0)} MB; /metrics in ${scrapeMs} ms (${(text.length / 1e6).toFixed(1)} MB)`,
        waits,
        relay: relayOf(text),
      };
    } catch (err) {
      return { line: `no metrics (${String(err)})`, waits: {}, relay: {} };
    }
  };

  // the clients
  const ids = clusters.map((c) => c.id).join(',');
  const per = Math.ceil(CLIENTS / PROCS);
  type Result = { connected: number; reconnects: number; reasons: Record<string, number>; received: Record<string, { n: number; bytes: number }>; latencies: number[]; events: number; lost: number; dup: number; longestSilenceMs: number };
  const ready: Promise<void>[] = [];
  const results: Promise<Result>[] = [];
  for (let i = 0; i < PROCS; i++) {
    const n = Math.min(per, CLIENTS - i * per);
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/scale-client.ts', proxyUrl, String(n), String(WARMUP_MS + MEASURE_MS), TOKEN, ids], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, SCALE_SOURCES: SOURCES.join(',') },
    });
    clientPids.add(child.pid!);
    let out = '';
    let onReady = () => {};
    ready.push(new Promise((r) => (onReady = r)));
    child.stdout!.on('data', (d) => {
      out += d;
      if (/^ready \d+$/m.test(out)) onReady();
    });
    results.push(
      new Promise((resolve, reject) =>
        child.on('exit', () => {
          onReady();
          try {
            resolve(JSON.parse(out.trim().split('\n').pop()!) as Result);
          } catch (e) {
            reject(new Error(`a client process ended without its figures: ${out.slice(-500)}`, { cause: e }));
          }
        }),
      ),
    );
  }
  await Promise.all(ready);
  console.log(`${CLIENTS} clients connected through the proxy; ${WARMUP_MS / 1000} s to settle, then measuring ${MEASURE_MS / 1000} s, killing a replica after ${KILL_AFTER_MS / 1000} s`);
  // the replicas' counters are read while settling: a scrape stalls a replica for a moment (not measured)
  const scrapeAt = Date.now() + Math.max(0, WARMUP_MS - 2_000);
  await sleep(scrapeAt - Date.now());
  const waitsAtStart = new Map<string, Record<string, number>>();
  const relayAt = new Map<string, Relay>();
  for (const r of replicas) {
    const m = await replicaMetrics(r.url);
    waitsAtStart.set(r.url, m.waits);
    relayAt.set(r.url, m.relay);
  }
  await sleep(Math.max(0, scrapeAt + Math.min(2_000, WARMUP_MS) - Date.now()));
  const measureFrom = Date.now();

  // faults through the proxy (each forwarded to its cluster's lease holder): events to count
  let faults = 0;
  let faultErrors = 0;
  const down = new Set<string>();
  const faulting = setInterval(() => {
    const c = clusters[Math.floor(Math.random() * clusters.length)]!;
    const action = down.has(c.id) ? 'start' : 'shutdown';
    if (action === 'start') down.delete(c.id);
    else down.add(c.id);
    fetch(`${proxyUrl}/api/v1/sim/faults?cluster=${c.id}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ action, nodes: ['pve2'] }) })
      .then((r) => (r.ok ? faults++ : faultErrors++))
      .catch(() => faultErrors++);
  }, 1_000);
  cleanup.push(() => clearInterval(faulting));

  const rss = new Map<string, number>();
  const sample = () => {
    for (const r of replicas) if (r.bff.child.exitCode === null && r.bff.child.signalCode === null) rss.set(r.url, Math.max(rss.get(r.url) ?? 0, peakRssMb(r.bff.pid)));
  };
  const cpuAtStart = cpuByRole();
  await sleep(KILL_AFTER_MS);
  sample();
  const cpuAtKill = cpuByRole();
  // each replica's own view: event-loop delay and GC so far, the mirrors' waits since the measurement began
  for (const r of replicas) {
    const now = await replicaMetrics(r.url);
    const then = waitsAtStart.get(r.url);
    const waits = Object.entries(now.waits)
      .map(([k, v]) => `${k} ${v - (then?.[k] ?? 0)}`)
      .join(', ');
    console.log(`${r.url}: ${now.line}; mirror waits while measuring: ${waits}; patches relayed: ${relayLine(relayAt.get(r.url), now.relay)}`);
    relayAt.set(r.url, now.relay);
  }
  const killedAt = Date.now();
  const by = await leasesBy();
  const victim = replicas.reduce((a, b) => ((by.get(b.url)?.length ?? 0) > (by.get(a.url)?.length ?? 0) ? b : a));
  console.log(`killing ${victim.url} (SIGKILL), holder of ${by.get(victim.url)?.length ?? 0} clusters`);
  victim.bff.child.kill('SIGKILL');
  await sleep(MEASURE_MS - KILL_AFTER_MS - 2_000);
  sample();
  const cpuAtEnd = cpuByRole();
  for (const r of replicas.filter((x) => x !== victim)) console.log(`${r.url} after the kill: patches relayed: ${relayLine(relayAt.get(r.url), (await replicaMetrics(r.url)).relay)}`);
  const after = await leasesBy();
  console.log(`leases after the kill: ${replicas.map((r) => `${r.url === victim.url ? 'killed ' : ''}${after.get(r.url)?.length ?? 0}`).join('/')}`);

  const all = await Promise.all(results);
  // [received at, delay, cluster index] of every delivery: all, and before and after the kill apart (the steady state, the failover)
  const triples = all.flatMap((r) => Array.from({ length: r.latencies.length / 3 }, (_, i) => [r.latencies[3 * i]!, r.latencies[3 * i + 1]!, r.latencies[3 * i + 2]!] as const));
  const pairs = triples.map(([at, d]) => [at, d] as const);
  const lat = pairs.filter(([at]) => at >= measureFrom).map(([, d]) => d).sort((a, b) => a - b);
  const phase = (f: (at: number) => boolean) => pairs.filter(([at]) => f(at)).map(([, d]) => d).sort((a, b) => a - b);
  // the dump: every delivery, and each cluster's holder before the kill
  if (process.env.SCALE_DUMP) {
    const holders = Object.fromEntries([...by].flatMap(([url, ids]) => ids.map((id) => [id, url])));
    writeFileSync(process.env.SCALE_DUMP, JSON.stringify({ measureFrom, killedAt, victim: victim.url, clusters: clusters.map((c) => c.id), holders, pairs: triples }));
  }
  const warmup = phase((at) => at < measureFrom);
  console.log(`delivery while settling (not measured): p50 ${percentile(warmup, 50)} ms, p99 ${percentile(warmup, 99)} ms (${warmup.length})`);
  const steady = phase((at) => at >= measureFrom && at < killedAt);
  const failing = phase((at) => at >= killedAt);
  console.log(`delivery before the kill: p50 ${percentile(steady, 50)} ms, p99 ${percentile(steady, 99)} ms (${steady.length}); after: p50 ${percentile(failing, 50)} ms, p99 ${percentile(failing, 99)} ms (${failing.length})`);
  console.log(`CPU (% of one core) before the kill: ${cpuReport(cpuAtStart, cpuAtKill)}; after: ${cpuReport(cpuAtKill, cpuAtEnd)}`);
  const sum = (f: (r: Result) => number) => all.reduce((s, r) => s + f(r), 0);
  const connected = sum((r) => r.connected);
  const lost = sum((r) => r.lost);
  const dup = sum((r) => r.dup);
  const failover = Math.max(...all.map((r) => r.longestSilenceMs));
  const reasons: Record<string, number> = {};
  for (const r of all) for (const [k, v] of Object.entries(r.reasons)) reasons[k] = (reasons[k] ?? 0) + v;
  const received: Record<string, { n: number; bytes: number }> = {};
  for (const r of all) for (const [k, v] of Object.entries(r.received)) { const t = (received[k] ??= { n: 0, bytes: 0 }); t.n += v.n; t.bytes += v.bytes; }
  console.log(`received by the clients: ${Object.entries(received).map(([k, v]) => `${k} ${v.n} (${(v.bytes / 1e6).toFixed(1)} MB)`).join(', ')}`);
  const p50 = percentile(lat, 50);
  const p99 = percentile(lat, 99);
  const rssPer = Math.max(...rss.values());
  console.log(`connected ${connected}/${CLIENTS}, reconnects ${sum((r) => r.reconnects)} (${JSON.stringify(reasons)}); patches ${lat.length}, events received ${sum((r) => r.events)}; faults ${faults} (${faultErrors} refused)`);
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(`targets: p99 < ${TARGET.p99Ms} ms (${met(p99 < TARGET.p99Ms)}), failover < ${TARGET.failoverMs / 1000} s (${met(failover < TARGET.failoverMs)}), lost = dup = 0 (${met(lost === 0 && dup === 0)})`);
  console.log(`scale replicas=${REPLICAS} clusters=${CLUSTERS} clients=${connected} p50_ms=${p50.toFixed(1)} p99_ms=${p99.toFixed(1)} failover_ms=${failover} lost=${lost} dup=${dup} rss_mb_per_replica=${rssPer.toFixed(1)}`);
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  for (const f of cleanup.reverse()) await Promise.resolve(f()).catch(() => {});
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
