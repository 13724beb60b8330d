// What this replica's sockets hear of the cluster list (the switcher, the all-clusters page): the whole list
// when it changes (a cluster added, renamed, removed, a new default), otherwise only the states that changed
// (`clusterStates`), at most one such message per STATES_MIN_MS — the first at once, later ones merged. With
// 100 clusters the list is 33 KB and a fault somewhere changes some state about every second: sending the
// list for each was 95 % of the bytes bench:scale's clients received (3.7 lists a second per socket).
// Each replica sends to its own sockets (io.local): every replica lists every cluster.
import { SocketEvents, type ClusterList } from '@quorate/model';
import type { ClusterRegistry } from './clusters';
import type { GatewayServer } from './gateway';
import type { Logger } from './logger';

/** at most one `clusterStates` message per socket this often (a state change is sent at most this late) */
export const STATES_MIN_MS = 1_000;

export class ClusterBroadcast {
  /** the `clusters` lists, in the order of the changes (each is read from the store) */
  private lists: Promise<void> = Promise.resolve();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private lastStatesAt = -Infinity;
  /** a list is waiting for its turn: a change until it is read is in it */
  private listQueued = false;
  private readonly onChanged = () => {
    if (this.listQueued) return;
    this.listQueued = true;
    this.lists = this.lists.then(async () => {
      this.listQueued = false;
      try {
        this.io.local.emit(SocketEvents.clusters, await this.list());
      } catch (err) {
        this.logger.error({ err }, 'could not send the cluster list');
      }
    });
  };
  private readonly onState = (id: string) => {
    this.pending.add(id);
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastStatesAt + this.minMs - this.now());
    // a timer even when due now: the state is announced inside the collector's ingest; the send comes after it
    this.timer = setTimeout(() => this.flush(), wait);
  };

  constructor(
    private readonly clusters: ClusterRegistry,
    private readonly io: GatewayServer,
    private readonly list: () => Promise<ClusterList>,
    private readonly logger: Logger,
    private readonly minMs = STATES_MIN_MS,
    private readonly now: () => number = Date.now,
  ) {
    clusters.on('changed', this.onChanged);
    clusters.on('state', this.onState);
  }

  private flush(): void {
    this.timer = null;
    const states = [...this.pending].flatMap((id) => {
      const now = this.clusters.stateOfId(id);
      return now ? [{ id, ...now }] : [];
    });
    this.pending.clear();
    if (states.length === 0) return;
    this.lastStatesAt = this.now();
    this.io.local.emit(SocketEvents.clusterStates, { states });
  }

  /** no more messages (shutdown); a list being read still goes out */
  stop(): void {
    this.clusters.off('changed', this.onChanged);
    this.clusters.off('state', this.onState);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
