// npm run bench:soak — the BFF (a child process: its RSS and /proc/<pid>/io are its own) on a simulated
// cluster (SOAK_SIM_NODES, default 7; SOAK_SIM_TICK_MS, default 250) for SOAK_MINUTES (default 10, fractions allowed) with
//  - a fault every SOAK_FAULT_MS (default 3 s) through POST /api/v1/sim/faults (stop/start/shutdown nodes,
//    link-down/up, lossy links that flap, partitions, heal),
//  - SOAK_CLIENTS (default 200) socket.io clients that disconnect and resume at random (subscribe with the
//    rev and seq last seen; when the ack says catchUp.tooFarBehind they page GET /api/v1/events to fill the
//    gap) and check that they see every event seq exactly once,
//  - one client that floods `subscribe` with an old seq and never reads its socket (its TCP socket paused),
// sampling the BFF's RSS every SOAK_SAMPLE_MS (default 5 s). At the end: heal, let the cluster settle, bring
// every client back, and count per client the seqs missing between the first seq it subscribed for and the
// BFF's last seq (lost), and seqs delivered twice (dup). Last line:
// soak minutes=N rss_start_mb=X rss_end_mb=Y rss_slope_mb_per_h=Z disk_write_kb_per_min=W events=E lost=0 dup=0
// (slope: least squares over the samples after the first 20 %; disk: write_bytes over the soak).
import { io, type Socket } from 'socket.io-client';
import type { SimFault } from '@quorate/model';
import { rssMb, sleep, slope, startBff, writeBytes, type BffChild, type LogRecord } from './bff-child';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 200);
const FAULT_MS = Number(process.env.SOAK_FAULT_MS ?? 3000);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_MS ?? 5000);
/** mean time a client stays connected before it drops */
const MEAN_ONLINE_MS = Number(process.env.SOAK_MEAN_ONLINE_MS ?? 20_000);
/** 7 nodes (2 links each): with the faults below about 5 events a second, so a client away for a couple
 * of minutes is more than the 500 events of one catch-up behind and pages REST */
const SIM_NODES = Number(process.env.SOAK_SIM_NODES ?? 7);
/** the sim's tick: every tick is a patch, and the BFF keeps the last 500 for resuming clients (~13 KB each at
 * 7 nodes and 1 s). At 250 ms that bounded log is full within the warm-up, so the slope after it measures
 * the steady state rather than a buffer filling up (at 1 s it fills for 8 of the 10 minutes) */
const TICK_MS = Number(process.env.SOAK_SIM_TICK_MS ?? 250);
const TOKEN = process.env.QUORATE_API_TOKEN ?? 'bench-soak-token-0123456789abcdef';
const PAGE = 1000; // GET /events limit (its maximum)
if (!(MINUTES > 0) || !(CLIENTS >= 1)) throw new Error('SOAK_MINUTES must be > 0 and SOAK_CLIENTS >= 1');

const rand = (a: number, b: number) => a + Math.random() * (b - a);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const exp = (mean: number) => -Math.log(1 - Math.random()) * mean;

interface Ack {
  ok: boolean;
  error?: string;
  resumed?: 'snapshot' | 'patches';
  catchUp?: { events: number; tooFarBehind: boolean };
}
interface Page {
  events: Array<{ seq: number }>;
  next: number;
}

const stats = {
  faults: 0,
  faultErrors: 0,
  connects: 0,
  connectErrors: 0,
  serverDisconnects: 0,
  refusedSubscribes: 0,
  resumedPatches: 0,
  resumedSnapshot: 0,
  catchUpEvents: 0,
  tooFarBehind: 0,
  restPages: 0,
  restOverlap: 0,
  revGaps: 0,
  flooderSockets: 0,
  flooderSubscribes: 0,
  bffWarnings: new Map<string, number>(),
};

let url = '';
const auth = { authorization: `Bearer ${TOKEN}` };
async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...auth, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
/** the BFF's last event seq: a since beyond it points back to it */
async function lastSeq(): Promise<number> {
  const { status, body } = await api<Page>('/api/v1/events?since=999999999999&limit=1');
  if (status !== 200) throw new Error(`GET /events: ${status}`);
  return body.next;
}

/** one watching client: connects, subscribes (resuming), drops at random, checks seqs */
class SoakClient {
  private socket: Socket | null = null;
  /** seq the first subscription started after: only later seqs are checked */
  start = -1;
  maxSeq = -1;
  rev: number | null = null;
  /** seq -> the subscription (epoch) and channel it came by */
  private seen = new Map<number, { epoch: number; rest: boolean }>();
  private epoch = 0;
  /** smallest seq delivered live on the socket in this subscription */
  private liveFloor = Infinity;
  dups = 0;
  private filling: Promise<void> | null = null;
  private dropTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private subscribed = false;
  /** false at the end: stay connected */
  churn = true;
  stopped = false;

  constructor(readonly id: number) {}

  get settled(): boolean {
    return this.subscribed && this.filling === null;
  }

  async begin(): Promise<void> {
    this.start = await lastSeq();
    this.maxSeq = this.start;
    this.connect();
  }

  private connect(): void {
    if (this.stopped) return;
    const s = io(url, { forceNew: true, transports: ['websocket'], reconnection: false, auth: { token: TOKEN } });
    this.socket = s;
    this.subscribed = false;
    s.on('connect', () => {
      stats.connects++;
      this.subscribe(s);
    });
    s.on('connect_error', () => {
      stats.connectErrors++;
      this.retry(s, rand(500, 2000));
    });
    s.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') {
        stats.serverDisconnects++;
        this.retry(s, rand(200, 1000));
      }
    });
    s.on('event', (ev: { seq: number }) => this.record(ev.seq, false));
    s.on('snapshot', (msg: { rev: number }) => (this.rev = msg.rev));
    s.on('patch', (msg: { patch: { rev: number } }) => {
      if (this.rev !== null && msg.patch.rev !== this.rev + 1) stats.revGaps++;
      this.rev = msg.patch.rev;
    });
  }

  /** a socket that is gone: another one after delay (once the gap fill, if any, is done) */
  private retry(s: Socket, delay: number): void {
    if (this.socket !== s) return;
    this.socket = null;
    this.subscribed = false;
    s.removeAllListeners();
    s.close();
    if (this.dropTimer) clearTimeout(this.dropTimer);
    this.dropTimer = null;
    this.reconnectTimer = setTimeout(() => void this.reconnect(), this.churn ? delay : Math.min(delay, 1000));
  }

  private async reconnect(): Promise<void> {
    this.reconnectTimer = null;
    await this.filling;
    this.connect();
  }

  private subscribe(s: Socket): void {
    if (this.socket !== s || !s.connected) return;
    this.epoch++;
    this.liveFloor = Infinity;
    const from = this.maxSeq;
    const req = { ...(this.rev !== null ? { rev: this.rev } : {}), seq: from };
    s.timeout(15_000).emit('subscribe', req, (err: Error | null, ack: Ack) => {
      if (this.socket !== s) return;
      if (err) return this.retry(s, rand(200, 1000));
      if (!ack.ok) {
        // rate-limited (or the server is unhappy): try again later, as the web app does
        stats.refusedSubscribes++;
        const m = /in (\d+) s/.exec(ack.error ?? '');
        setTimeout(() => this.subscribe(s), (m ? Number(m[1]) * 1000 : 1000) + rand(0, 500));
        return;
      }
      if (ack.resumed === 'patches') stats.resumedPatches++;
      else stats.resumedSnapshot++;
      stats.catchUpEvents += ack.catchUp?.events ?? 0;
      this.subscribed = true;
      if (ack.catchUp?.tooFarBehind) {
        stats.tooFarBehind++;
        const epoch = this.epoch;
        this.filling = this.fill(from, epoch).finally(() => (this.filling = null));
      }
      this.scheduleDrop(s);
    });
  }

  /** too far behind for the socket: page REST from `from` up to what the socket delivers live */
  private async fill(from: number, epoch: number): Promise<void> {
    let since = from;
    for (;;) {
      let page: Page;
      try {
        const r = await api<Page>(`/api/v1/events?since=${since}&limit=${PAGE}`);
        if (r.status !== 200) throw new Error(String(r.status));
        page = r.body;
      } catch {
        await sleep(500);
        continue;
      }
      stats.restPages++;
      for (const ev of page.events) this.record(ev.seq, true, epoch);
      const floor = this.epoch === epoch ? this.liveFloor : Infinity;
      if (page.events.length < PAGE || page.next >= floor - 1) return;
      since = page.next;
    }
  }

  private record(seq: number, rest: boolean, epoch = this.epoch): void {
    if (!rest && epoch === this.epoch && seq < this.liveFloor) this.liveFloor = seq;
    if (seq <= this.start) return;
    const before = this.seen.get(seq);
    if (before) {
      // the live stream and the REST pages of the same subscription overlap where they meet: expected
      if (before.epoch === epoch && before.rest !== rest) stats.restOverlap++;
      else this.dups++;
      return;
    }
    this.seen.set(seq, { epoch, rest });
    if (seq > this.maxSeq) this.maxSeq = seq;
  }

  private scheduleDrop(s: Socket): void {
    if (!this.churn || this.dropTimer) return;
    this.dropTimer = setTimeout(() => {
      this.dropTimer = null;
      if (this.socket !== s || !this.churn) return;
      // mostly short absences; now and then a long one (the web app's tab in the background, a laptop lid)
      const r = Math.random();
      const away = r < 0.8 ? rand(200, 5000) : r < 0.95 ? rand(5000, 30_000) : rand(60_000, 180_000);
      this.retry(s, away);
    }, exp(MEAN_ONLINE_MS));
  }

  /** the end: no more drops, and back now if away */
  stay(): void {
    this.churn = false;
    if (this.reconnectTimer) {
      clearTimeout(this.reconnectTimer);
      void this.reconnect();
    }
  }

  /** seqs in (start, last] never seen */
  lost(last: number): number {
    let n = 0;
    for (let q = this.start + 1; q <= last; q++) if (!this.seen.has(q)) n++;
    return n;
  }

  close(): void {
    this.stopped = true;
    if (this.dropTimer) clearTimeout(this.dropTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.socket?.removeAllListeners();
    this.socket?.close();
    this.socket = null;
  }
}

/** a client that asks, again and again, for the last few hundred events and a snapshot, and never reads */
class Flooder {
  private socket: Socket | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;

  async begin(): Promise<void> {
    if (this.stopped) return;
    const last = await lastSeq().catch(() => 0);
    const seq = Math.max(0, last - 490); // within the catch-up bound: the biggest reply there is
    const s = io(url, { forceNew: true, transports: ['websocket'], reconnection: false, auth: { token: TOKEN } });
    this.socket = s;
    stats.flooderSockets++;
    s.on('connect', () => {
      // stop reading: the kernel buffers fill, then the BFF's send queue for this socket
      const raw = (s.io.engine.transport as unknown as { ws?: { _socket?: { pause(): void } } }).ws?._socket;
      if (!raw) {
        console.error('flooder: no raw TCP socket under the websocket transport; it reads like any client');
      } else raw.pause();
      this.timer = setInterval(() => {
        stats.flooderSubscribes++;
        s.emit('subscribe', { seq }, () => undefined);
      }, 50);
    });
    const again = () => {
      if (this.socket !== s) return;
      this.socket = null;
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      s.removeAllListeners();
      s.close();
      setTimeout(() => void this.begin(), 1000);
    };
    s.on('disconnect', again);
    s.on('connect_error', again);
  }

  close(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.socket?.removeAllListeners();
    this.socket?.close();
  }
}

const NODES = Array.from({ length: SIM_NODES }, (_, i) => `pve${i + 1}`);
/** a random valid fault; lossy links flap (an event every few seconds each) until a heal, every 20th */
function randomFault(n: number): SimFault {
  if (n % 20 === 19) return { action: 'heal' };
  const node = pick(NODES);
  if (Math.random() < 0.3) return { action: 'link-quality', node, link: pick([0, 1]), latencyMs: Math.round(rand(0, 40)), lossPct: pick([35, 50, 70, 90]), jitterMs: Math.round(rand(0, 5)) };
  const r = Math.random();
  if (r < 0.18) return { action: 'stop', nodes: [node] };
  if (r < 0.26) return { action: 'shutdown', nodes: [node] };
  if (r < 0.44) return { action: 'start', nodes: NODES.filter(() => Math.random() < 0.7) };
  if (r < 0.58) return { action: 'link-down', node, link: pick([0, 1]) };
  if (r < 0.72) return { action: 'link-up', node };
  if (r < 0.9) return { action: 'partition', groups: [[node], NODES.filter((x) => x !== node)] };
  return { action: 'heal' };
}

async function inject(fault: SimFault): Promise<void> {
  try {
    const r = await api('/api/v1/sim/faults', { method: 'POST', body: fault });
    if (r.status === 202) stats.faults++;
    else {
      stats.faultErrors++;
      console.error(`fault ${JSON.stringify(fault)}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  } catch (err) {
    stats.faultErrors++;
    console.error(`fault ${JSON.stringify(fault)}: ${(err as Error).message}`);
  }
}

let bff: BffChild | null = null;
let ending = false;
const clients: SoakClient[] = [];
const flooder = new Flooder();
try {
  bff = await startBff(
    { LOG_LEVEL: 'warn', QUORATE_API_TOKEN: TOKEN, QUORATE_MAX_SOCKETS_PER_IDENTITY: '1000', QUORATE_SIM_NODES: String(SIM_NODES), QUORATE_SIM_TICK_MS: String(TICK_MS) },
    'soak',
    (rec: LogRecord) => {
      const key = rec.msg ?? '?';
      if ((rec.level ?? 0) >= 50) console.error(`bff: ${JSON.stringify(rec).slice(0, 2000)}`);
      stats.bffWarnings.set(key, (stats.bffWarnings.get(key) ?? 0) + 1);
    },
  );
  url = bff.url;
  const pid = bff.pid;
  bff.child.once('exit', (code, signal) => {
    if (!ending) {
      console.error(`the BFF exited during the soak (code ${code}, signal ${signal}); last warnings: ${JSON.stringify(Object.fromEntries(stats.bffWarnings))}`);
      process.exit(1);
    }
  });
  const durationMs = MINUTES * 60_000;
  console.log(`BFF pid ${pid} on ${url}; ${SIM_NODES}-node sim (tick ${TICK_MS} ms), ${CLIENTS} clients + 1 flooder, a fault every ${FAULT_MS} ms, ${MINUTES} min`);

  const seq0 = await lastSeq();
  const w0 = writeBytes(pid);
  const t0 = Date.now();
  const samples: Array<{ t: number; mb: number }> = [];
  const sample = () => samples.push({ t: (Date.now() - t0) / 3_600_000, mb: rssMb(pid) });
  sample();
  const sampler = setInterval(sample, SAMPLE_MS);

  // clients arrive over the first few seconds
  for (let i = 0; i < CLIENTS; i++) {
    const c = new SoakClient(i);
    clients.push(c);
    void c.begin().catch((err: unknown) => console.error(`client ${i}: ${(err as Error).message}`));
    if (i % 20 === 19) await sleep(100);
  }
  void flooder.begin();

  let n = 0;
  while (Date.now() - t0 < durationMs) {
    await inject(randomFault(n++));
    const left = durationMs - (Date.now() - t0);
    await sleep(Math.max(0, Math.min(left, rand(0.5, 1.5) * FAULT_MS)));
    if (n % 10 === 0) {
      const last = samples.at(-1)!;
      console.log(
        `${((Date.now() - t0) / 60_000).toFixed(1)} min: rss ${last.mb.toFixed(1)} MB, faults ${stats.faults}, events ${(await lastSeq()) - seq0}, ` +
          `online ${clients.filter((c) => c.settled).length}/${CLIENTS}, too far behind ${stats.tooFarBehind}, refused subscribes ${stats.refusedSubscribes}, flooder sockets ${stats.flooderSockets}`,
      );
    }
  }
  clearInterval(sampler);
  sample();
  const wEnd = writeBytes(pid);
  const elapsedMin = (Date.now() - t0) / 60_000;

  // the end: a healthy cluster that stops changing, every client back and caught up
  flooder.close();
  await inject({ action: 'heal' });
  for (const c of clients) c.stay();
  let last = await lastSeq();
  for (let quiet = 0, i = 0; quiet < 3 && i < 60; i++) {
    await sleep(5000);
    const now = await lastSeq();
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
  const deadline = Date.now() + 240_000; // a client may be in a long absence (up to 3 min)
  while (Date.now() < deadline && !clients.every((c) => c.settled && c.maxSeq >= last)) await sleep(500);
  const behind = clients.filter((c) => !(c.settled && c.maxSeq >= last));
  if (behind.length > 0) console.log(`${behind.length} client(s) not caught up at the end (counted as lost): ${behind.map((c) => c.id).slice(0, 10).join(', ')}`);
  last = await lastSeq();
  const lost = clients.reduce((s, c) => s + c.lost(last), 0);
  const dup = clients.reduce((s, c) => s + c.dups, 0);

  const warm = samples.filter((x) => x.t * 60 >= 0.2 * elapsedMin);
  const slopeMbPerH = slope(
    warm.map((x) => x.t),
    warm.map((x) => x.mb),
  );
  // a diagnostic beside it: the second half alone (a bounded cache still filling after the first 20 % shows
  // as a slope above; a leak shows in both)
  const late = samples.filter((x) => x.t * 60 >= 0.5 * elapsedMin);
  const lateSlope = slope(
    late.map((x) => x.t),
    late.map((x) => x.mb),
  );
  const { faults, faultErrors, connects, connectErrors, serverDisconnects, refusedSubscribes, resumedPatches, resumedSnapshot, catchUpEvents, tooFarBehind, restPages, restOverlap, revGaps, flooderSockets, flooderSubscribes } = stats;
  console.log(
    JSON.stringify({ faults, faultErrors, connects, connectErrors, serverDisconnects, refusedSubscribes, resumedPatches, resumedSnapshot, catchUpEvents, tooFarBehind, restPages, restOverlap, revGaps, flooderSockets, flooderSubscribes }),
  );
  if (stats.bffWarnings.size > 0) console.log(`BFF warnings: ${JSON.stringify(Object.fromEntries(stats.bffWarnings))}`);
  console.log(`rss slope over the second half: ${lateSlope.toFixed(1)} MB/h; rss min/max after the warm-up: ${Math.min(...warm.map((x) => x.mb)).toFixed(1)}/${Math.max(...warm.map((x) => x.mb)).toFixed(1)} MB`);
  console.log(`targets: rss slope < 5 MB/h (${slopeMbPerH < 5 ? 'met' : 'MISSED'}), nothing lost or duplicated (${lost === 0 && dup === 0 ? 'met' : 'MISSED'})`);
  console.log(
    `soak minutes=${MINUTES} rss_start_mb=${samples[0]!.mb.toFixed(1)} rss_end_mb=${samples.at(-1)!.mb.toFixed(1)} ` +
      `rss_slope_mb_per_h=${slopeMbPerH.toFixed(1)} disk_write_kb_per_min=${((wEnd - w0) / 1024 / elapsedMin).toFixed(1)} events=${last - seq0} lost=${lost} dup=${dup}`,
  );
} finally {
  ending = true;
  flooder.close();
  for (const c of clients) c.close();
  await bff?.stop();
}
process.exit(0);
