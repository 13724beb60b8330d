// The harness's socket.io client (bench:quorum-latency, figure a), in a process of its own so that its
// arrival times are not held up by the bench's busy event loop (Playwright, lab faults). Subscribes to
// the default cluster and prints one JSON line per arrival, stamped with Date.now() on receipt:
//   {"kind":"event","at":…,"type":"node-left","name":"pve3"}
//   {"kind":"snap","at":…,"quorate":true,"members":[1,2,3],"nodes":{"pve1":"online",…}}
// Run: node --import tsx bench/quorum-latency/socket-client.ts URL TOKEN
import { io } from 'socket.io-client';
import { applyPatch, type ClusterEvent, type ClusterSnapshot, type PatchMessage, type SnapshotMessage } from '@quorate/model';

const [url, token = ''] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: socket-client.ts URL [TOKEN]\n');
  process.exit(2);
}
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const snap = (at: number, s: ClusterSnapshot) =>
  out({ kind: 'snap', at, quorate: s.quorum?.quorate ?? null, members: s.quorum?.members ?? null, nodes: Object.fromEntries(s.nodes.map((n) => [n.name, n.state])) });

let current: { rev: number; snapshot: ClusterSnapshot } | null = null;
const socket = io(url, {
  transports: ['websocket'],
  auth: token ? { token } : {},
  extraHeaders: token ? { authorization: `Bearer ${token}` } : {},
  reconnection: true,
});
socket.on('connect', () => {
  socket.emit('subscribe', {}, () => undefined);
  out({ kind: 'connected', at: Date.now() });
});
socket.on('connect_error', (err: Error) => out({ kind: 'error', at: Date.now(), message: err.message }));
socket.on('event', (ev: ClusterEvent) => {
  const at = Date.now();
  const body = ev.body as { type: string; name?: string };
  out({ kind: 'event', at, type: body.type, name: body.name ?? null });
});
socket.on('snapshot', (msg: SnapshotMessage) => {
  const at = Date.now();
  current = { rev: msg.rev, snapshot: msg.snapshot };
  snap(at, msg.snapshot);
});
socket.on('patch', (msg: PatchMessage) => {
  const at = Date.now();
  if (!current || msg.patch.baseRev !== current.rev) return;
  current = { rev: msg.patch.rev, snapshot: applyPatch(current.snapshot, msg.patch) };
  snap(at, current.snapshot);
});
process.on('SIGTERM', () => {
  socket.close();
  process.exit(0);
});
