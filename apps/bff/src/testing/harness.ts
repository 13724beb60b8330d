// Start a BFF on 127.0.0.1:0 with fake (or given) sources; socket.io clients that record what they get.
import { io as connect, type Socket } from 'socket.io-client';
import type { ClusterEvent, PatchMessage, SnapshotMessage, SubscribeAck, SubscribeRequest } from '@quorate/model';
import { pino } from 'pino';
import { createServer, type QuorateServer, type ServerDeps } from '../app';
import type { ClusterConfig, Config } from '../config';
import { FakeSource } from './fake-source';

export function testConfig(clusters: ClusterConfig[], webDist = '/nonexistent/quorate-web-dist'): Config {
  return { host: '127.0.0.1', port: 0, logLevel: 'silent', webDist, clusters };
}

export const simCluster = (id: string, name = id, isDefault = false): ClusterConfig => ({
  id,
  name,
  default: isDefault,
  source: 'sim',
  sim: { nodeCount: 3, linkCount: 2, tokenMs: 3000, tickMs: 1000 },
});

export interface Harness {
  server: QuorateServer;
  url: string;
  sources: Map<string, FakeSource>;
  close(): Promise<void>;
}

export async function startFake(clusters: ClusterConfig[], deps: ServerDeps = {}, opts: { observeOnStart?: boolean; webDist?: string } = {}): Promise<Harness> {
  const sources = new Map<string, FakeSource>();
  const server = createServer(testConfig(clusters, opts.webDist), {
    logger: pino({ level: 'silent' }),
    firstRev: 1,
    createSource: (c) => {
      const s = new FakeSource(c.id, undefined, opts.observeOnStart ?? true);
      sources.set(c.id, s);
      return s;
    },
    ...deps,
  });
  const { url } = await server.start();
  return { server, url, sources, close: () => server.close() };
}

/** a socket.io client that records every message in arrival order */
export class TestClient {
  readonly socket: Socket;
  readonly received: ({ type: 'snapshot'; msg: SnapshotMessage } | { type: 'patch'; msg: PatchMessage } | { type: 'event'; msg: ClusterEvent })[] = [];

  constructor(url: string) {
    this.socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    this.socket.on('snapshot', (msg: SnapshotMessage) => this.received.push({ type: 'snapshot', msg }));
    this.socket.on('patch', (msg: PatchMessage) => this.received.push({ type: 'patch', msg }));
    this.socket.on('event', (msg: ClusterEvent) => this.received.push({ type: 'event', msg }));
  }

  subscribe(req: SubscribeRequest | unknown): Promise<SubscribeAck> {
    return this.socket.timeout(5000).emitWithAck('subscribe', req) as Promise<SubscribeAck>;
  }

  snapshots(): SnapshotMessage[] {
    return this.received.flatMap((r) => (r.type === 'snapshot' ? [r.msg] : []));
  }
  patches(): PatchMessage[] {
    return this.received.flatMap((r) => (r.type === 'patch' ? [r.msg] : []));
  }
  events(): ClusterEvent[] {
    return this.received.flatMap((r) => (r.type === 'event' ? [r.msg] : []));
  }

  /** wait until the predicate holds over what arrived (bounded; no timing is asserted) */
  async until(pred: (c: TestClient) => boolean, what = 'condition'): Promise<void> {
    for (let i = 0; i < 500; i++) {
      if (pred(this)) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.received.map((r) => r.type))}`);
  }

  /** a round trip to the server: every message sent before it has arrived */
  async flush(): Promise<void> {
    await this.subscribeNoop();
  }
  private async subscribeNoop(): Promise<void> {
    // an invalid subscribe changes nothing server-side and is answered in order
    await this.socket.timeout(5000).emitWithAck('subscribe', { rev: -1 });
  }

  close(): void {
    this.socket.close();
  }
}
