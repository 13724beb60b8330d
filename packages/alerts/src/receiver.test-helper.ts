// Test code only: a local HTTP receiver standing in for every provider (one node:http server on 127.0.0.1,
// started and closed by the test), recording each request byte for byte and answering as the test says — a
// status and body, a redirect, or never (a hang, for timeouts). Plus a loopback port nothing listens on, and the
// notification the tests send. Nothing here talks to any address but 127.0.0.1.
import http, { type IncomingHttpHeaders } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { Notification } from '@quorate/model';

export interface Received {
  method: string;
  /** path and query, as sent */
  url: string;
  headers: IncomingHttpHeaders;
  /** the exact body bytes */
  raw: Buffer;
  text: string;
  /** the body parsed as JSON (throws if it is not) */
  json: <T = Record<string, unknown>>() => T;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  /** an object is sent as JSON */
  body?: string | object;
}

/** what the receiver does with a request: answer it, or 'hang' (accept and never answer) */
export type Handler = (req: Received) => Answer | 'hang';

export interface Receiver {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: Received[];
  /** change the answer for the next requests */
  answer: (h: Handler | Answer) => void;
  close: () => Promise<void>;
}

export async function startReceiver(initial: Handler | Answer = { status: 200, body: 'ok' }): Promise<Receiver> {
  let handler: Handler = typeof initial === 'function' ? initial : () => initial;
  const requests: Received[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = raw.toString('utf8');
      const received: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, text, json: <T,>() => JSON.parse(text) as T };
      requests.push(received);
      const a = handler(received);
      if (a === 'hang') return;
      const body = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
      const headers: Record<string, string> = { ...(typeof a.body === 'object' ? { 'content-type': 'application/json' } : { 'content-type': 'text/plain' }), ...a.headers };
      res.writeHead(a.status ?? 200, headers);
      res.end(body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answer: (h) => {
      handler = typeof h === 'function' ? h : () => h;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** a loopback port nothing listens on (a connection is refused) */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

/** a quorum-lost notification as the dispatcher would word it (non-ASCII on purpose: "—", "ü") */
export function notification(over: Partial<Notification> = {}): Notification {
  return {
    id: 'inc-42:opened',
    kind: 'opened',
    rule: 'quorum-lost',
    clusterId: 'lab',
    clusterName: 'Lab Zürich',
    severity: 'critical',
    title: 'lab: quorum lost — 1 of 3 votes, 2 needed',
    body: 'pve2 and pve3 are unreachable since 10:04:05.\nBlocked: guest start, config changes.\nRecover: bring one node back, or `pvecm expected 1` on pve1 (split-brain risk) <&>',
    at: 1_767_000_000_000,
    startedAt: 1_767_000_000_000,
    endedAt: null,
    durationMs: null,
    incidentId: 'inc-42',
    url: 'https://quorate.example/incidents/inc-42',
    ...over,
  };
}
