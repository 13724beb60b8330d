// One shared clock for ages on the page: ticks once a second, one timer for all readers.
import { createContext, useContext, useSyncExternalStore } from 'react';

/** a fixed "now" for the panels below it (time travel: ages as they read at the moment shown) */
export const FrozenNow = createContext<number | null>(null);

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export function useNow(): number {
  const frozen = useContext(FrozenNow);
  const live = useSyncExternalStore(subscribe, () => now);
  return frozen ?? live;
}
