// What a holder tells the mirrors of its source besides snapshots: its health and capabilities, when they
// change — at each observation and every STATUS_CHECK_MS (a source gone quiet observes nothing, yet goes down).
// A new lastObservedAt alone is no change: it moves with every observation (it doubled the feed in
// bench:scale) and the mirrors read it from the snapshots (Mirror.health).
import type { Collector } from '../collector';
import type { FeedStatus } from './mirror';

/** a holder looks at its source's status this often besides each observation */
export const STATUS_CHECK_MS = 2_000;

type StatusSource = Pick<Collector, 'health' | 'capabilities' | 'on' | 'off'>;

export function watchStatus(c: StatusSource, send: (status: FeedStatus) => void, everyMs = STATUS_CHECK_MS): { stop(): void } {
  let last = '';
  const check = () => {
    const now: FeedStatus = { health: c.health(), capabilities: c.capabilities() };
    const key = JSON.stringify({ ...now, health: { ...now.health, lastObservedAt: null } });
    if (key === last) return;
    last = key;
    send(now);
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  c.on('observed', check);
  return {
    stop() {
      clearInterval(timer);
      c.off('observed', check);
    },
  };
}
