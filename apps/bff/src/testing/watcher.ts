// A browser's live connection for the replica tests (failover, database outage): what it received, as the web
// app keeps it.
import { connect, type Socket } from 'socket.io-client';
import type { ClusterEvent } from '@quorate/model';
import { sleep } from '../../../../bench/bff-child';

/** a browser's live connection as the web app keeps it: on every (re)connect it subscribes again after what it has */
export class Watcher {
  readonly seqs: number[] = [];
  rev: number | undefined;
  /** snapshots received, and patches that did not apply to the rev held (the web app would start over) */
  snapshots = 0;
  breaks = 0;
  /** patches received (the cluster's live view moving) */
  patches = 0;
  /** connections made (1: never reconnected) */
  connects = 0;
  readonly socket: Socket;
  constructor(url: string, token: string, clusterId = 'c1') {
    this.socket = connect(url, { transports: ['websocket'], forceNew: true, auth: { token }, reconnectionDelay: 200, reconnectionDelayMax: 500 });
    this.socket.on('connect', () => {
      this.connects++;
      const seq = this.seqs.length > 0 ? Math.max(...this.seqs) : undefined;
      this.socket.emit('subscribe', { clusterId, ...(seq !== undefined ? { seq } : { seq: 0 }), ...(this.rev !== undefined ? { rev: this.rev } : {}) }, () => {});
    });
    this.socket.on('event', (e: ClusterEvent) => this.seqs.push(e.seq));
    this.socket.on('snapshot', (m: { rev: number }) => {
      this.snapshots++;
      this.rev = m.rev;
    });
    this.socket.on('patch', (m: { patch: { baseRev: number; rev: number } }) => {
      this.patches++;
      if (m.patch.baseRev !== this.rev) this.breaks++;
      this.rev = m.patch.rev;
    });
  }
}

export async function until(what: string, pred: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(100)) if (await pred()) return;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
