// Numbered events of one cluster. The BFF keeps them in SQLite (persistence/sqlite-events.ts); the memory
// store here serves unit tests.
import type { ClusterEvent, EventDraft } from '@quorate/model';

export interface EventsPage {
  events: ClusterEvent[];
  /** pass as `since` to get the next page */
  next: number;
}

export interface EventStore {
  /**
   * number the drafts with the next seqs (gap-free, from 1) and keep them; alsoCommit runs in the same
   * transaction (a durable store commits it together with the events, or neither)
   */
  append(drafts: readonly EventDraft[], alsoCommit?: () => void): ClusterEvent[];
  /** events with seq > since, oldest first, at most limit */
  since(seq: number, limit: number): EventsPage;
  /** the highest seq handed out; 0 before the first event */
  lastSeq(): number;
  /** the oldest seq still kept (lastSeq + 1 when none): a reader at s missed events when s < firstSeq - 1 */
  firstSeq(): number;
}

export type EventStoreFactory = (clusterId: string) => EventStore;

/** keeps the newest `capacity` events in memory; older ones are forgotten (and lost on restart) */
export class MemoryEventStore implements EventStore {
  private events: ClusterEvent[] = [];
  private last = 0;

  constructor(
    private readonly clusterId: string,
    private readonly capacity = 50_000,
  ) {}

  append(drafts: readonly EventDraft[], alsoCommit?: () => void): ClusterEvent[] {
    if (drafts.length > 0) alsoCommit?.();
    const added = drafts.map((d): ClusterEvent => ({ ...d, seq: ++this.last, clusterId: this.clusterId }));
    this.events.push(...added);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    return added;
  }

  since(seq: number, limit: number): EventsPage {
    const first = this.events[0]?.seq ?? this.last + 1;
    // seqs are consecutive, so the position of seq+1 is arithmetic
    const start = Math.max(0, seq + 1 - first);
    const events = this.events.slice(start, start + Math.max(0, limit));
    const next = events.length > 0 ? events[events.length - 1]!.seq : Math.min(seq, this.last);
    return { events, next };
  }

  lastSeq(): number {
    return this.last;
  }

  firstSeq(): number {
    return this.events[0]?.seq ?? this.last + 1;
  }
}
