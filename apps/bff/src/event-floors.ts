// Sockets that resumed AHEAD of this replica's feed. A client that watched through the lease holder may hold
// events a mirror here has not relayed yet (the feed lags the holder by its transit time); after a failover
// it resumes here with that seq. Its catch-up is empty (seq ≥ L0), but the feed then relays the events the
// client already has. Each such socket keeps a floor, its seq: events at or below it skip the socket, and
// the first one above it (events come in seq order) ends the floor. So every seq reaches it exactly once.
export class EventFloors {
  /** per cluster: socket id → the seq it already holds */
  private readonly byCluster = new Map<string, Map<string, number>>();

  /** the socket holds every event up to seq (set in the tick it joins the room, before any later emit) */
  set(clusterId: string, socketId: string, seq: number): void {
    let floors = this.byCluster.get(clusterId);
    if (!floors) this.byCluster.set(clusterId, (floors = new Map()));
    floors.set(socketId, seq);
  }

  /** the socket left, moved on or resubscribed (only, when given, the floor at seq: not a newer subscribe's) */
  clear(clusterId: string, socketId: string, seq?: number): void {
    const floors = this.byCluster.get(clusterId);
    if (!floors || (seq !== undefined && floors.get(socketId) !== seq) || !floors.delete(socketId)) return;
    if (floors.size === 0) this.byCluster.delete(clusterId);
  }

  /**
   * The sockets event `seq` must skip (empty in the usual case: nobody ahead). Floors below seq end here:
   * every later event is above them too.
   */
  skip(clusterId: string, seq: number): string[] {
    const floors = this.byCluster.get(clusterId);
    if (!floors) return [];
    const skip: string[] = [];
    for (const [socketId, floor] of floors) {
      if (floor >= seq) skip.push(socketId);
      else floors.delete(socketId);
    }
    if (floors.size === 0) this.byCluster.delete(clusterId);
    return skip;
  }

  /** sockets with a floor (tests, metrics) */
  size(): number {
    let n = 0;
    for (const f of this.byCluster.values()) n += f.size;
    return n;
  }
}
