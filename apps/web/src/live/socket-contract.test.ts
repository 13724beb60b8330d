// The socket contract is the model's (ServerToClient / ClientToServer): these lines are checked by tsc
// (`npm run typecheck`), which fails if a line marked @ts-expect-error ever compiles.
import { expect, it } from 'vitest';
import type { AppSocket } from './socket';

export function contractChecks(socket: AppSocket): void {
  // @ts-expect-error no such event
  socket.on('snapshots', () => {});
  // @ts-expect-error the payload of a patch is a PatchMessage, not a number
  socket.on('patch', (msg: number) => msg);
  // @ts-expect-error clusterId is a string
  socket.emit('subscribe', { clusterId: 5 }, () => {});
  // @ts-expect-error the browser cannot emit what only the server sends
  socket.emit('snapshot', {});
  socket.on('snapshot', (msg) => void msg.snapshot.quorum?.quorate);
  socket.emit('subscribe', { clusterId: 'lab', rev: 3, seq: 10 }, (ack) => void (ack.ok ? ack.resumed : ack.error));
}

it('the browser socket is typed by the model contract (checked by tsc)', () => {
  expect(typeof contractChecks).toBe('function');
});
