// One fan-out client process: opens N socket.io connections, subscribes each to the default cluster and
// records, per patch, the delay from the sim change (patch.set.observedAt) to receipt. Prints JSON at the end.
import { io, type Socket } from 'socket.io-client';

const [url = 'http://127.0.0.1:18090', countArg = '250', durationArg = '20000', token = ''] = process.argv.slice(2);
const count = Number(countArg);
const durationMs = Number(durationArg);
const latencies: number[] = [];
const sockets: Socket[] = [];
let connected = 0;
let errors = 0;

for (let i = 0; i < count; i++) {
  const s = io(url, {
    forceNew: true, // one real connection per client, not one multiplexed manager
    transports: ['websocket'],
    reconnection: false,
    auth: token ? { token } : undefined,
    extraHeaders: token ? { authorization: `Bearer ${token}` } : undefined,
  });
  s.on('connect', () => {
    connected++;
    s.emit('subscribe', {}, () => undefined);
  });
  // 'unauthorized' when the token is missing or wrong
  s.on('connect_error', () => errors++);
  s.on('patch', (msg: { patch?: { set?: { observedAt?: number } } }) => {
    const at = msg.patch?.set?.observedAt;
    if (typeof at === 'number') latencies.push(Date.now() - at);
  });
  sockets.push(s);
}

setTimeout(() => {
  for (const s of sockets) s.close();
  // exit only once the (large) line is flushed: a pipe write is asynchronous
  process.stdout.write(JSON.stringify({ connected, errors, latencies }) + '\n', () => process.exit(0));
}, durationMs);
