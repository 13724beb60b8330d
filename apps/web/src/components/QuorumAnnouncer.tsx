// Screen readers hear a quorum change once, when it happens, not on every patch.
import { useEffect, useRef, useState } from 'react';
import type { SnapshotEntry } from '../live/cache';

type QState = 'quorate' | 'not-quorate' | 'unknown';

export function QuorumAnnouncer({ entry }: { entry: SnapshotEntry | undefined }) {
  const prev = useRef<QState | null>(null);
  const [message, setMessage] = useState('');
  const q = entry?.snapshot.quorum;
  const state: QState | null = !entry ? null : !q ? 'unknown' : q.quorate ? 'quorate' : 'not-quorate';
  const name = entry?.snapshot.cluster.name ?? '';
  const total = q?.totalVotes;
  const expected = q?.expectedVotes;
  const needed = q?.quorum;

  useEffect(() => {
    if (state === null) return;
    const before = prev.current;
    prev.current = state;
    if (before === null || before === state) return; // first sight is not a change
    if (state === 'not-quorate') setMessage(`${name}: quorum lost. ${total} of ${expected} votes, ${needed} needed.`);
    else if (state === 'quorate') setMessage(`${name}: quorate again. ${total} of ${expected} votes, ${needed} needed.`);
    else setMessage(`${name}: quorum unknown, no node could be asked.`);
    // only the state drives the announcement; the figures are read at that moment
  }, [state]);

  return (
    <div aria-live="assertive" aria-atomic="true" className="sr-only" data-testid="quorum-announcer">
      {message}
    </div>
  );
}
