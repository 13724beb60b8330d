// Test code only: a fake Proxmox node over real HTTPS on 127.0.0.1 for the join/create/delnode contract
// tests. It answers from the fixtures (fixtures/SOURCES.md, "Join, create, delnode") and plays what a join
// does to the JOINING node: after the task logs "generated new node certificate, restart pveproxy…" its
// pveproxy restarts — connections reset, then a NEW certificate — and every ticket it issued is void (the
// cluster's auth key replaced its own), so a client sees resets, a fingerprint mismatch and 401s.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestCert } from './tls.test-helper';

export const fixture = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8'));
const dataOf = (name: string) => (fixture(name) as { data: unknown }).data;

export interface FakeMember {
  name: string;
  nodeid: number;
  address: string;
  online: boolean;
  fingerprint: string;
}

export interface FakeCluster {
  name: string;
  members: FakeMember[];
  /** the node that answers (local:1; preferred_node of its join information) */
  self: string;
  quorate: boolean;
}

/** one task as the node will play it: its log lines, revealed `linesPerPoll` per status poll, and its end */
export interface FakeTask {
  upid: string;
  lines: string[];
  exitstatus: string;
  /** after this line the node's pveproxy restarts with `nextCert` (a join) */
  restartAfter?: string;
}

export interface FakeNodeOptions {
  name: string;
  address: string;
  cert: TestCert;
  /** the certificate a join gives the node */
  nextCert?: TestCert;
  rootPassword: string;
  /** root@pam has TOTP: this code is the valid one */
  totp?: string;
  /** API token accepted for GETs ("USER@REALM!TOKENID=SECRET") */
  token?: string;
  cluster: FakeCluster | null;
  clockOffsetMs?: number;
  guests?: number;
  /** the join's task (POST /cluster/config/join) and the create's (POST /cluster/config) */
  joinTask?: FakeTask;
  createTask?: FakeTask;
  /** DELETE /cluster/config/nodes/{node}: refuse with this message (HTTP 500), else remove and answer null */
  refuseDelnode?: string;
  /** requests answered with a reset right after the restart */
  resetsAfterRestart?: number;
  /** called at the restart (a test lets the member list the new certificate: finish_join wrote it to /etc/pve) */
  onRestart?: (fingerprint: string) => void;
  /** called once, when a status poll first answers that the task stopped (an e2e lets the member show the node online) */
  onTaskEnd?: (exitstatus: string) => void;
}

/** a node that joined through a member: what the member's config, status and join information list for it */
export interface JoinedNode {
  address: string;
  /** its new API certificate, as the cluster lists it (pve_fp) */
  fingerprint: string;
  /** online in the member's /cluster/status (default true); a test may list it offline until the join's task ends */
  online?: boolean;
}

export interface Recorded {
  method: string;
  path: string;
  cookie: string | undefined;
  csrf: string | undefined;
  authorization: string | undefined;
  form: Record<string, string>;
}

export const LINES_PER_POLL = 4;

export class FakeNode {
  readonly requests: Recorded[] = [];
  /** tickets this node accepts (void after a join's restart) */
  private tickets = new Map<string, string>();
  private issued = 0;
  private task: (FakeTask & { shown: number }) | null = null;
  private restarted = false;
  private resetsLeft = 0;
  /** nodes that joined through this member: listed in its /cluster/status, /cluster/config/nodes and join information */
  readonly joined = new Map<string, JoinedNode>();
  private ended = false;
  private server!: https.Server;
  url = '';

  constructor(readonly o: FakeNodeOptions) {}

  async start(): Promise<this> {
    this.server = https.createServer({ key: this.o.cert.key, cert: this.o.cert.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server.closeAllConnections();
      this.server.close(() => r());
    });
  }

  get fingerprint(): string {
    return this.restarted && this.o.nextCert ? this.o.nextCert.fingerprint : this.o.cert.fingerprint;
  }

  get cluster(): FakeCluster | null {
    return this.o.cluster;
  }

  private send(res: ServerResponse, status: number, data: unknown, reason?: string): void {
    res.writeHead(status, reason ?? (status === 200 ? 'OK' : 'Error'), { 'content-type': 'application/json;charset=UTF-8' });
    res.end(status === 200 ? JSON.stringify({ data }) : JSON.stringify({ data: null, ...(reason ? { message: reason } : {}) }));
  }

  private fail(res: ServerResponse, status: number, reason: string): void {
    res.writeHead(status, reason);
    res.end(); // PVE: 401 bodies are empty
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const path = decodeURIComponent((req.url ?? '').replace(/^\/api2\/json\//, ''));
    const form = Object.fromEntries(new URLSearchParams(body));
    const cookie = /PVEAuthCookie=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const csrf = req.headers.csrfpreventiontoken as string | undefined;
    this.requests.push({ method: req.method ?? '', path, cookie, csrf, authorization: req.headers.authorization, form });
    if (this.resetsLeft > 0) {
      this.resetsLeft -= 1;
      req.socket.destroy(); // pveproxy restarting
      return;
    }
    if (req.method === 'POST' && path === 'access/ticket') return this.ticket(res, form);
    const ticket = cookie !== undefined ? decodeURIComponent(cookie) : undefined;
    const byTicket = ticket !== undefined && this.tickets.has(ticket);
    const byToken = this.o.token !== undefined && req.headers.authorization === `PVEAPIToken=${this.o.token}`;
    if (!byTicket && !byToken) return this.fail(res, 401, ticket !== undefined ? 'permission denied - invalid PVE ticket' : 'No ticket');
    if (req.method !== 'GET') {
      if (!byTicket) return this.fail(res, 403, 'Permission check failed (user != root@pam)');
      if (csrf !== this.tickets.get(ticket!)) return this.fail(res, 401, 'Permission denied - invalid csrf token');
    }
    this.route(req.method ?? 'GET', path.split('?')[0]!, new URLSearchParams(path.split('?')[1] ?? ''), form, res);
  }

  private ticket(res: ServerResponse, form: Record<string, string>): void {
    if (form.username !== 'root@pam') return this.fail(res, 401, 'authentication failure');
    if (form['tfa-challenge'] !== undefined) {
      if (form['tfa-challenge'] !== 'PVE:!tfa!{"totp":true}::FAKE-HALF' || form.password !== `totp:${this.o.totp}`) return this.fail(res, 401, 'authentication failure');
      return this.issue(res);
    }
    if (form.password !== this.o.rootPassword) return this.fail(res, 401, 'authentication failure');
    if (this.o.totp !== undefined) return this.send(res, 200, { username: 'root@pam', ticket: 'PVE:!tfa!{"totp":true}::FAKE-HALF', CSRFPreventionToken: '00000000:HALF', NeedTFA: 1 });
    this.issue(res);
  }

  private issue(res: ServerResponse): void {
    const base = (fixture('access__ticket__POST-root-pam-pve7__fake-ticket.json') as { data: Record<string, unknown> }).data;
    this.issued += 1;
    const ticket = `PVE:root@pam:64E10CBA::FAKE-SIGNATURE-${this.issued}==`;
    const csrf = `64E10CBA:FAKE-CSRF-${this.issued}`;
    this.tickets.set(ticket, csrf);
    const { clustername: _, ...rest } = base;
    this.send(res, 200, { ...rest, ...(this.o.cluster ? { clustername: this.o.cluster.name } : {}), ticket, CSRFPreventionToken: csrf });
  }

  /** the task's next lines; the restart once its line is shown */
  private advance(): void {
    const t = this.task!;
    t.shown = Math.min(t.lines.length, t.shown + LINES_PER_POLL);
    const at = t.restartAfter !== undefined ? t.lines.indexOf(t.restartAfter) : -1;
    if (at >= 0 && t.shown > at && !this.restarted) this.restart();
  }

  /** what finish_join does to pveproxy: a new certificate, the old tickets void, a few resets */
  private restart(): void {
    this.restarted = true;
    if (this.o.nextCert) this.server.setSecureContext({ key: this.o.nextCert.key, cert: this.o.nextCert.cert });
    this.tickets = new Map();
    this.resetsLeft = this.o.resetsAfterRestart ?? 2;
    this.o.onRestart?.(this.fingerprint);
  }

  /** the cluster's members and, after them, the nodes that joined through this one */
  private everyMember(c: FakeCluster): FakeMember[] {
    const joined = [...this.joined].map(([name, j], i) => ({ name, nodeid: c.members.length + i + 1, address: j.address, online: j.online ?? true, fingerprint: j.fingerprint }));
    return [...c.members, ...joined.filter((j) => !c.members.some((m) => m.name === j.name))];
  }

  private route(method: string, path: string, query: URLSearchParams, form: Record<string, string>, res: ServerResponse): void {
    const c = this.o.cluster;
    const me = this.o.name;
    const node = /^nodes\/([^/]+)\/(.*)$/.exec(path);
    if (method === 'GET' && path === 'cluster/status') {
      if (c === null) {
        const standalone = dataOf('cluster__status__standalone-node__SYNTHETIC.json') as Record<string, unknown>[];
        return this.send(res, 200, standalone.map((r) => ({ ...r, id: `node/${me}`, name: me, ip: this.o.address })));
      }
      return this.send(res, 200, [
        { type: 'cluster', id: 'cluster', name: c.name, nodes: c.members.length, version: 3, quorate: c.quorate ? 1 : 0 },
        ...this.everyMember(c).map((m) => ({ type: 'node', id: `node/${m.name}`, name: m.name, nodeid: m.nodeid, ip: m.address, online: m.online ? 1 : 0, local: m.name === c.self ? 1 : 0, level: '' })),
      ]);
    }
    if (method === 'GET' && path === 'cluster/config/nodes' && c !== null) return this.send(res, 200, this.everyMember(c).map((m) => ({ node: m.name, name: m.name, nodeid: String(m.nodeid), quorum_votes: '1', ring0_addr: m.address })));
    if (method === 'GET' && path === 'cluster/config/totem' && c !== null) return this.send(res, 200, { ...(dataOf('cluster__config__totem__lab-pve9-defaults__SYNTHETIC.json') as object), cluster_name: c.name });
    if (method === 'GET' && path === 'cluster/config/qdevice') return this.send(res, 200, {});
    if (method === 'GET' && path === 'cluster/config/join') {
      if (c === null) {
        const e = fixture('cluster__config__join__error-424-not-in-cluster__SYNTHETIC.json') as { status: number; reason: string; body: string };
        res.writeHead(e.status, e.reason);
        res.end(e.body);
        return;
      }
      const nodelist = this.everyMember(c).map((m) => ({ name: m.name, nodeid: String(m.nodeid), quorum_votes: '1', ring0_addr: m.address, pve_addr: m.address, pve_fp: m.fingerprint }));
      return this.send(res, 200, { nodelist, preferred_node: c.self, totem: { ...(dataOf('cluster__config__totem__lab-pve9-defaults__SYNTHETIC.json') as object), cluster_name: c.name }, config_digest: 'f00d' });
    }
    if (method === 'POST' && path === 'cluster/config/join') {
      const t = this.o.joinTask!;
      this.task = { ...t, shown: 0 };
      this.ended = false;
      return this.send(res, 200, t.upid);
    }
    if (method === 'POST' && path === 'cluster/config') {
      if (c !== null) return this.send(res, 500, null, "cluster config '/etc/pve/corosync.conf' already exists");
      const t = this.o.createTask!;
      this.task = { ...t, shown: 0 };
      this.ended = false;
      this.o.cluster = { name: form.clustername!, self: me, quorate: true, members: [{ name: me, nodeid: 1, address: form.link0 ?? this.o.address, online: true, fingerprint: this.o.cert.fingerprint }] };
      return this.send(res, 200, t.upid);
    }
    if (method === 'DELETE' && path.startsWith('cluster/config/nodes/') && c !== null) {
      if (this.o.refuseDelnode) return this.send(res, 500, null, this.o.refuseDelnode);
      const name = path.split('/').at(-1)!;
      c.members = c.members.filter((m) => m.name !== name);
      this.joined.delete(name);
      return this.send(res, 200, null);
    }
    if (method === 'GET' && node && node[1] === me) {
      const rest = node[2]!;
      const task = /^tasks\/(.+)\/(status|log)$/.exec(rest);
      if (task && this.task && task[1] === this.task.upid) {
        const t = this.task;
        if (task[2] === 'log') {
          const start = Number(query.get('start') ?? 0);
          const limit = Number(query.get('limit') ?? 50);
          const rows = t.lines.slice(0, t.shown).map((l, i) => ({ n: i + 1, t: l }));
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ data: rows.slice(start, start + limit), total: rows.length }));
          return;
        }
        const done = t.shown >= t.lines.length;
        if (done && !this.ended) {
          this.ended = true;
          this.o.onTaskEnd?.(t.exitstatus);
        }
        const status = { upid: t.upid, node: me, pid: 4822, pstart: 14891, starttime: 1764094881, type: 'clusterjoin', id: '', user: 'root@pam', status: done ? 'stopped' : 'running', ...(done ? { exitstatus: t.exitstatus } : {}) };
        this.advance();
        return this.send(res, 200, status);
      }
      if (rest === 'version') return this.send(res, 200, dataOf('nodes__node1__version__pve7.4-16.json'));
      if (rest === 'apt/versions') return this.send(res, 200, [{ Package: 'proxmox-ve', Version: '7.4-1' }, { Package: 'corosync', Version: '3.1.7-pve1' }]);
      if (rest === 'time') return this.send(res, 200, { time: Math.floor((Date.now() + (this.o.clockOffsetMs ?? 0)) / 1000), timezone: 'UTC', localtime: 0 });
      if (rest === 'network') return this.send(res, 200, [{ iface: 'lo', type: 'loopback' }, { iface: 'vmbr0', type: 'bridge', address: this.o.address, cidr: `${this.o.address}/24` }]);
      if (rest === 'qemu') return this.send(res, 200, Array.from({ length: this.o.guests ?? 0 }, (_, i) => ({ vmid: 100 + i, status: 'stopped' })));
      if (rest === 'lxc') return this.send(res, 200, []);
    }
    this.fail(res, 404, 'Not Found');
  }
}

/** the join's task from the fixtures (pve4's): ok (restarting pveproxy after its certificate line) or failed; for another node its name goes into the UPID and the lines */
export function joinTask(kind: 'ok' | 'failed', node = 'pve4'): FakeTask {
  const status = dataOf(`nodes__pve4__tasks__upid__status__clusterjoin-${kind}__SYNTHETIC.json`) as { upid: string; exitstatus: string };
  const log = dataOf(`nodes__pve4__tasks__upid__log__clusterjoin-${kind}__SYNTHETIC.json`) as { n: number; t: string }[];
  const lines = log.sort((a, b) => a.n - b.n).map((l) => l.t.replace("'pve4'", `'${node}'`));
  return { upid: status.upid.replace('UPID:pve4:', `UPID:${node}:`), lines, exitstatus: status.exitstatus, ...(kind === 'ok' ? { restartAfter: 'generated new node certificate, restart pveproxy and pvedaemon services' } : {}) };
}

/** pvecm create's task (facts §1.4: the lines it prints), UPID from the clustercreate fixture */
export function createTask(): FakeTask {
  const upid = dataOf('cluster__config__POST__upid-clustercreate__SYNTHETIC.json') as string;
  return { upid, lines: ['Writing corosync config to /etc/pve/corosync.conf', 'Restart corosync and cluster filesystem', 'TASK OK'], exitstatus: 'OK' };
}
