import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONNECT_RETRY_MS, openSocket, retryDelay } from './socket-open';

describe('retryDelay (a handshake the server refused)', () => {
  it('doubles with each refusal in a row up to 16 s, ± half at random', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 50].map((n) => retryDelay(n, mid))).toEqual([1, 2, 4, 8, 16, 16, 16].map((k) => k * CONNECT_RETRY_MS));
    expect(retryDelay(0, () => 0)).toBe(CONNECT_RETRY_MS / 2);
    expect(retryDelay(50, () => 0.999_999)).toBeLessThan(24 * CONNECT_RETRY_MS);
  });
});

describe('openSocket against a server that refuses the handshake', () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const c of closers.splice(0)) c();
  });

  async function server(refuse: (attempt: number) => string | null) {
    const http = createServer();
    const io = new Server(http);
    let attempts = 0;
    io.use((_socket, next) => {
      const why = refuse(attempts++);
      next(why === null ? undefined : new Error(why));
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    closers.push(() => void io.close());
    return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, attempts: () => attempts };
  }

  it('a refusal (the database away) is tried again until the server takes it', async () => {
    const s = await server((n) => (n < 2 ? 'the database cannot be reached' : null));
    const socket = openSocket(s.url);
    closers.push(() => void socket.close());
    socket.connect();
    // refused twice: after about 1 s, then about 2 s (± half)
    await vi.waitFor(() => expect(socket.connected).toBe(true), { timeout: 8_000, interval: 50 });
    expect(s.attempts()).toBe(3);
  }, 10_000);

  it("'unauthorized' is not tried again (the page goes to sign-in)", async () => {
    const s = await server(() => 'unauthorized');
    const socket = openSocket(s.url);
    closers.push(() => void socket.close());
    socket.connect();
    await vi.waitFor(() => expect(s.attempts()).toBe(1), { timeout: 3_000, interval: 20 });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(s.attempts()).toBe(1);
    expect(socket.connected).toBe(false);
  }, 10_000);
});
