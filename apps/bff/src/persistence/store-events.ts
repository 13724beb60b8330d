// The EventStore of one cluster over the store (SQLite or PostgreSQL): seqs are gap-free and survive
// restarts (the counter lives in the database), and what was derived alongside the events is committed
// with them, in one transaction. On replicas the collector's appends carry its lease's fence: a former
// holder (paused, then resumed after another took over) writes nothing.
import type { ClusterEvent, EventDraft } from '@quorate/model';
import type { Fence, Store, StoreParts } from '@quorate/store';
import type { EventStore, EventStoreFactory, EventsPage } from '../event-store';

/** store.events.since accepts at most this many per call */
const MAX_PAGE = 10_000;

export class StoreEventStore implements EventStore {
  constructor(
    private readonly store: Store,
    private readonly clusterId: string,
    private readonly fence?: Fence,
  ) {}

  async append(drafts: readonly EventDraft[], alsoCommit?: (tx: StoreParts) => Promise<void>): Promise<ClusterEvent[]> {
    if (drafts.length === 0) return [];
    return this.store.transaction(async (tx) => {
      const events = await tx.events.append(this.clusterId, [...drafts], this.fence);
      await alsoCommit?.(tx);
      return events;
    });
  }

  async since(seq: number, limit: number): Promise<EventsPage> {
    const page = await this.store.events.since(this.clusterId, seq, Math.max(1, Math.min(MAX_PAGE, limit)));
    // a since beyond the last seq (a client of a wiped data dir) points back to the last seq, like the memory store
    return page.events.length === 0 ? { events: [], next: Math.min(seq, await this.lastSeq()) } : page;
  }

  lastSeq(): Promise<number> {
    return this.store.events.lastSeq(this.clusterId);
  }

  firstSeq(): Promise<number> {
    return this.store.events.firstSeq(this.clusterId);
  }
}

export const storeEventStores =
  (store: Store): EventStoreFactory =>
  (clusterId, fence) =>
    new StoreEventStore(store, clusterId, fence);
