// The EventStore of one cluster over the SQLite store: seqs are gap-free and survive restarts (the
// counter lives in the database), and what was derived alongside the events is committed with them.
import type { ClusterEvent, EventDraft } from '@quorate/model';
import type { Store } from '@quorate/store';
import type { EventStore, EventStoreFactory, EventsPage } from '../event-store';

/** store.events.since accepts at most this many per call */
const MAX_PAGE = 10_000;

export class SqliteEventStore implements EventStore {
  constructor(
    private readonly store: Store,
    private readonly clusterId: string,
  ) {}

  append(drafts: readonly EventDraft[], alsoCommit?: () => void): ClusterEvent[] {
    if (drafts.length === 0) return [];
    return this.store.transaction(() => {
      const events = this.store.events.append(this.clusterId, [...drafts]);
      alsoCommit?.();
      return events;
    });
  }

  since(seq: number, limit: number): EventsPage {
    const page = this.store.events.since(this.clusterId, seq, Math.max(1, Math.min(MAX_PAGE, limit)));
    // a since beyond the last seq (a client of a wiped data dir) points back to the last seq, like the memory store
    return page.events.length === 0 ? { events: [], next: Math.min(seq, this.lastSeq()) } : page;
  }

  lastSeq(): number {
    return this.store.events.lastSeq(this.clusterId);
  }

  firstSeq(): number {
    return this.store.events.firstSeq(this.clusterId);
  }
}

export const sqliteEventStores =
  (store: Store): EventStoreFactory =>
  (clusterId) =>
    new SqliteEventStore(store, clusterId);
