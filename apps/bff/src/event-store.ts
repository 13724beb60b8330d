// Numbered events of one cluster. The BFF keeps them in the store (persistence/store-events.ts); the memory
// store here serves unit tests.
import type { ClusterEvent, EventDraft } from '@quorate/model';
import type { Fence, StoreParts } from '@quorate/store';

export interface EventsPage {
  events: ClusterEvent[];
  /** pass as `since` to get the next page */
  next: number;
}

export interface EventStore {
  /**
   * number the drafts with the next seqs (gap-free, from 1) and keep them; alsoCommit runs in the same
   * transaction with the parts bound to it (a durable store commits it together with the events, or neither)
   */
  append(drafts: readonly EventDraft[], alsoCommit?: (tx: StoreParts) => Promise<void>): Promise<ClusterEvent[]>;
  /** events with seq > since, oldest first, at most limit */
  since(seq: number, limit: number): Promise<EventsPage>;
  /** the highest seq handed out; 0 before the first event */
  lastSeq(): Promise<number>;
  /** the oldest seq still kept (lastSeq + 1 when none): a reader at s missed events when s < firstSeq - 1 */
  firstSeq(): Promise<number>;
}

/** fence: the lease a replica's collector holds (replicas); its appends are refused once the lease moved on */
export type EventStoreFactory = (clusterId: string, fence?: Fence) => EventStore;


/** what alsoCommit gets from a memory store given no parts: any use of it says so */
const noParts = new Proxy({} as StoreParts, {
  get: (_t, key) => {
    if (key === 'then' || typeof key === 'symbol') return undefined;
    throw new Error(`MemoryEventStore: no store to write ${String(key)} with the events (see writeThrough)`);
  },
});

/** keeps the newest `capacity` events in memory; older ones are forgotten (and lost on restart) */
export class MemoryEventStore implements EventStore {
  private events: ClusterEvent[] = [];
  private last = 0;
  /** what alsoCommit writes through (no transaction: memory has none to join) */
  private parts: StoreParts = noParts;

  constructor(
    private readonly clusterId: string,
    private readonly capacity = 50_000,
  ) {}

  /** alsoCommit writes through these parts from now on (a BFF's store, in tests) */
  writeThrough(parts: StoreParts): this {
    this.parts = parts;
    return this;
  }

  async append(drafts: readonly EventDraft[], alsoCommit?: (tx: StoreParts) => Promise<void>): Promise<ClusterEvent[]> {
    if (drafts.length > 0) await alsoCommit?.(this.parts);
    const added = drafts.map((d): ClusterEvent => ({ ...d, seq: ++this.last, clusterId: this.clusterId }));
    this.events.push(...added);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    return added;
  }

  async since(seq: number, limit: number): Promise<EventsPage> {
    const first = this.events[0]?.seq ?? this.last + 1;
    // seqs are consecutive, so the position of seq+1 is arithmetic
    const start = Math.max(0, seq + 1 - first);
    const events = this.events.slice(start, start + Math.max(0, limit));
    const next = events.length > 0 ? events[events.length - 1]!.seq : Math.min(seq, this.last);
    return { events, next };
  }

  async lastSeq(): Promise<number> {
    return this.last;
  }

  async firstSeq(): Promise<number> {
    return this.events[0]?.seq ?? this.last + 1;
  }
}
