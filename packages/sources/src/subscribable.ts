// The one listener set every source uses (like TanStack Query's Subscribable): subscribe returns its
// own unsubscribe; emit calls a copy of the set, so a listener may unsubscribe while being called. A
// listener that throws: by default the error goes to the caller of emit (a bug should be loud); a
// source that must keep going (the Corosync watchers) passes onError and the others are still called.

export class Subscribable<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(
    private readonly onError: (err: unknown) => void = (err) => {
      throw err;
    },
  ) {}

  subscribe(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch (err) {
        this.onError(err);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
