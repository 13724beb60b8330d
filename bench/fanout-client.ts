// One fan-out client process: opens N websocket connections that speak the socket.io protocol (engine.io 4,
// socket.io 5) by hand, subscribes each to the default cluster and records, per patch, the delay from the sim
// change (patch.set.observedAt) to receipt. Prints JSON at the end.
//
// Why not socket.io-client: the clients share the BFF's 2 cores, and 1,250 socket.io-client sockets in one
// process cost more CPU than the BFF serving them (measured: ~1.5 cores of clients against ~0.5 of BFF), so
// the figure measured the clients. Browsers run elsewhere. This client does what a browser's does on the
// wire — open, authenticate (header and auth payload), subscribe with an ack, answer pings, read every
// message — and parses only the messages it measures.
//
// Prints `ready <ms>` once its connections have settled, then measures for the duration.
// Connections open in waves of WAVE (a page load's pace, not 5,000 SYNs at once); each has CONNECT_TIMEOUT_MS.
import WebSocket from 'ws';

const [url = 'http://127.0.0.1:18090', countArg = '250', durationArg = '20000', token = ''] = process.argv.slice(2);
const count = Number(countArg);
const durationMs = Number(durationArg);
const WAVE = Number(process.env.FANOUT_WAVE ?? 100);
const CONNECT_TIMEOUT_MS = 20_000;

const latencies: number[] = [];
/** latencies count once every connection of this process has settled (the connect phase is not measured) */
let measuring = false;
const sockets: WebSocket[] = [];
let connected = 0;
let errors = 0;
/** connect errors by message (timeouts, refusals) */
const reasons: Record<string, number> = {};
const fail = (why: string) => {
  errors++;
  reasons[why] = (reasons[why] ?? 0) + 1;
};

const wsUrl = `${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
const PATCH = '42["patch",';

function open(): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    sockets.push(ws);
    let done = false;
    const settle = (why: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (why === null) connected++;
      else fail(why);
      resolve();
    };
    const timer = setTimeout(() => {
      settle('timeout');
      ws.terminate();
    }, CONNECT_TIMEOUT_MS);
    ws.on('error', () => settle('websocket error'));
    ws.on('close', () => settle('closed'));
    ws.on('message', (raw) => {
      const m = raw.toString();
      if (m.startsWith(PATCH)) {
        const msg = JSON.parse(m.slice(2)) as [string, { patch?: { set?: { observedAt?: number } } }];
        const at = msg[1].patch?.set?.observedAt;
        if (measuring && typeof at === 'number') latencies.push(Date.now() - at);
      } else if (m === '2') ws.send('3'); // engine.io ping → pong
      else if (m.startsWith('0')) ws.send(`40${JSON.stringify(token ? { token } : {})}`); // engine.io open → socket.io connect
      else if (m.startsWith('40')) {
        ws.send('421["subscribe",{}]'); // connected → subscribe, ack id 1
        settle(null);
      } else if (m.startsWith('44')) settle((JSON.parse(m.slice(2)) as { message?: string }).message ?? 'refused');
    });
  });
}

const t0 = Date.now();
for (let i = 0; i < count; i += WAVE) await Promise.all(Array.from({ length: Math.min(WAVE, count - i) }, open));
// the parent starts measuring once every client process said it is ready
process.stdout.write(`ready ${Date.now() - t0}\n`);
measuring = true;

setTimeout(() => {
  for (const s of sockets) s.terminate();
  // exit only once the (large) line is flushed: a pipe write is asynchronous
  process.stdout.write(JSON.stringify({ connected, errors, reasons, latencies }) + '\n', () => process.exit(0));
}, durationMs);
