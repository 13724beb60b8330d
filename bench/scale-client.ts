// One bench:scale client process: N websocket connections (the socket.io protocol by hand, as
// bench/fanout-client.ts, and for the same reason: clients share the cores with the BFFs), each watching one
// of the clusters given, round robin, through the proxy. A connection that drops (its replica was killed)
// reconnects and resumes with the rev and seq it had, as the web app does. It records:
//  - per patch the delay from the change (patch.set.observedAt) to receipt (triples: received at, delay, the cluster's index);
//  - the longest silence per connection (no patch, through a failover and the reconnect);
//  - per connection every event seq: a seq seen twice is a duplicate, a hole in the seqs seen is a loss.
// Prints `ready <ms>` once connected, then at the end one JSON line.
import WebSocket from 'ws';

const [url = 'http://127.0.0.1:18300', countArg = '100', durationArg = '30000', token = '', clustersArg = 'lab-cluster'] = process.argv.slice(2);
const count = Number(countArg);
const durationMs = Number(durationArg);
const clusters = clustersArg.split(',');
const WAVE = Number(process.env.SCALE_WAVE ?? 50);
const CONNECT_TIMEOUT_MS = 20_000;
/**
 * a dropped connection waits this long before it reconnects, ± half of it at random: the web app's first
 * attempt (apps/web/src/live/socket.ts: reconnectionDelay 500, randomizationFactor 0.5), so the clients of a
 * killed replica come back spread as browsers do, not in one millisecond
 */
const RECONNECT_MS = 500;
const RECONNECT_JITTER = 0.5;
/** after a (re)subscribe, deliveries this long are the resume's catch-up */
const CATCH_UP_MS = 1_000;
/** source addresses to bind, round robin (the proxy's ip_hash spreads them over the replicas); none: the default */
const SOURCES = (process.env.SCALE_SOURCES ?? '').split(',').filter(Boolean);

const wsUrl = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
const latencies: number[] = [];
let measuring = false;
let stopping = false;
let connected = 0;
let reconnects = 0;
const reasons: Record<string, number> = {};
/** what arrived, by message name: count and bytes (a message every socket gets too often shows here) */
const received: Record<string, { n: number; bytes: number }> = {};

interface Watch {
  clusterId: string;
  /** its place in the clusters given (the dump names deliveries by it) */
  clusterIndex: number;
  localAddress: string | undefined;
  rev: number | null;
  /** every event seq received, and how many twice */
  seqs: Set<number>;
  dup: number;
  /** when the last patch (or snapshot) came, and the longest wait for one while measuring */
  lastPatchAt: number;
  longestSilenceMs: number;
  subscribedAt: number;
}

function open(w: Watch, first: boolean): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { headers: { authorization: `Bearer ${token}` }, ...(w.localAddress ? { localAddress: w.localAddress } : {}) });
    let settled = false;
    const settle = (why: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (why === null && first) connected++;
      if (why !== null) reasons[why] = (reasons[why] ?? 0) + 1;
      resolve();
    };
    const timer = setTimeout(() => (settle('timeout'), ws.terminate()), CONNECT_TIMEOUT_MS);
    const seen = () => {
      const now = Date.now();
      if (measuring) w.longestSilenceMs = Math.max(w.longestSilenceMs, now - w.lastPatchAt);
      w.lastPatchAt = now;
    };
    ws.on('error', () => settle('websocket error'));
    ws.on('close', () => {
      settle('closed');
      if (stopping) return;
      reconnects++;
      setTimeout(() => void open(w, false), RECONNECT_MS * (1 + RECONNECT_JITTER * (2 * Math.random() - 1)));
    });
    ws.on('message', (raw) => {
      const m = raw.toString();
      if (m === '2') return ws.send('3');
      if (m.startsWith('0')) return ws.send(`40${JSON.stringify({ token })}`);
      if (m.startsWith('40')) {
        const resume = { clusterId: w.clusterId, ...(w.rev !== null ? { rev: w.rev } : {}), ...(w.seqs.size > 0 ? { seq: Math.max(...w.seqs) } : {}) };
        ws.send(`421${JSON.stringify(['subscribe', resume])}`);
        // the first subscribe as a resubscribe: what comes at once is catch-up (the last waves connect just before
        // the measurement begins), not delivery
        w.subscribedAt = Date.now();
        return settle(null);
      }
      if (m.startsWith('44')) return settle((JSON.parse(m.slice(2)) as { message?: string }).message ?? 'refused');
      if (!m.startsWith('42[')) return;
      const [name, body] = JSON.parse(m.slice(2)) as [string, Record<string, unknown>];
      const r = (received[name] ??= { n: 0, bytes: 0 });
      r.n++;
      r.bytes += m.length;
      if (name === 'patch') {
        const patch = body.patch as { rev: number; set?: { observedAt?: number } };
        w.rev = patch.rev;
        const at = patch.set?.observedAt;
        // what a subscribe or resume sends at once is catch-up, not live delivery: the first second after it is left out
        if (measuring && typeof at === 'number' && Date.now() - w.subscribedAt > CATCH_UP_MS) latencies.push(Date.now(), Date.now() - at, w.clusterIndex);
        seen();
      } else if (name === 'snapshot') {
        w.rev = body.rev as number;
        seen();
      } else if (name === 'event') {
        const seq = body.seq as number;
        if (w.seqs.has(seq)) w.dup++;
        else w.seqs.add(seq);
      }
    });
  });
}

const watches: Watch[] = Array.from({ length: count }, (_, i) => ({
  clusterId: clusters[i % clusters.length]!,
  clusterIndex: i % clusters.length,
  localAddress: SOURCES.length > 0 ? SOURCES[(i + process.pid) % SOURCES.length] : undefined,
  rev: null,
  seqs: new Set<number>(),
  dup: 0,
  lastPatchAt: Date.now(),
  longestSilenceMs: 0,
  subscribedAt: 0,
}));
const t0 = Date.now();
for (let i = 0; i < count; i += WAVE) await Promise.all(watches.slice(i, i + WAVE).map((w) => open(w, true)));
process.stdout.write(`ready ${Date.now() - t0}\n`);
for (const w of watches) w.lastPatchAt = Date.now();
measuring = true;

setTimeout(() => {
  stopping = true;
  // a hole: a seq between the first and the last one received that never came
  let lost = 0;
  let dup = 0;
  let events = 0;
  for (const w of watches) {
    dup += w.dup;
    events += w.seqs.size;
    if (w.seqs.size > 0) lost += Math.max(...w.seqs) - Math.min(...w.seqs) + 1 - w.seqs.size;
  }
  const longestSilenceMs = Math.max(0, ...watches.map((w) => Math.max(w.longestSilenceMs, Date.now() - w.lastPatchAt)));
  process.stdout.write(JSON.stringify({ connected, reconnects, reasons, received, latencies, events, lost, dup, longestSilenceMs }) + '\n', () => process.exit(0));
}, durationMs);
