// The time-travel scrubber: a range input over [from, to] (drag, or the keyboard: ←/→ the previous/next
// change, PageUp/PageDown the previous/next transition, Home/End the first/last change), over a bar of the
// range's changes coloured by the state after each (red: quorum lost, amber: degraded, green: healthy, grey:
// unknown; a transition is a full-height mark) and the range's critical and warning events above it.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ClusterEvent } from '@quorate/model';
import type { TimelineMark } from '../../api/timeline';
import { formatDateTime } from '../../lib/format';
import { stepMark } from './timeline-search';

const STATE_COLOUR: Record<TimelineMark['state'], string> = {
  lost: '#dc2626',
  degraded: '#d97706',
  healthy: '#16a34a',
  unknown: '#64748b',
};

interface Props {
  from: number;
  to: number;
  t: number;
  marks: readonly TimelineMark[];
  events: readonly ClusterEvent[];
  /** a new moment: `snap` when it came from a step (no debounce) */
  onMove: (t: number, snap: boolean) => void;
}

export function Scrubber({ from, to, t, marks, events, onMove }: Props) {
  const [dragged, setDragged] = useState<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const span = Math.max(1, to - from);
  const x = (at: number) => Math.min(100, Math.max(0, ((at - from) / span) * 100));
  const value = dragged ?? t;

  const key = (e: KeyboardEvent<HTMLInputElement>) => {
    let next: TimelineMark | null = null;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') next = stepMark(marks, t, -1);
    else if (e.key === 'ArrowRight' || e.key === 'ArrowUp') next = stepMark(marks, t, 1);
    else if (e.key === 'PageUp') next = stepMark(marks, t, -1, (m) => m.transition);
    else if (e.key === 'PageDown') next = stepMark(marks, t, 1, (m) => m.transition);
    else if (e.key === 'Home') next = marks[0] ?? null;
    else if (e.key === 'End') next = marks.at(-1) ?? null;
    else return;
    e.preventDefault();
    if (next) onMove(next.at, true);
  };

  return (
    <div className="space-y-1" data-testid="scrubber">
      <div className="relative h-8" aria-hidden="true">
        <svg className="absolute inset-0 h-full w-full" preserveAspectRatio="none" viewBox="0 0 100 32">
          <rect x="0" y="14" width="100" height="4" className="fill-slate-200 dark:fill-slate-700" />
          {marks.map((m) => (
            <rect key={`${m.rev}-${m.at}`} x={x(m.at) - 0.1} width="0.2" y={m.transition ? 4 : 12} height={m.transition ? 24 : 8} fill={STATE_COLOUR[m.state]} data-state={m.state} />
          ))}
          {events
            .filter((e) => e.severity !== 'info')
            .map((e) => (
              <rect key={e.seq} x={x(e.at) - 0.15} width="0.3" y="0" height="4" fill={e.severity === 'critical' ? STATE_COLOUR.lost : STATE_COLOUR.degraded} />
            ))}
          <rect x={x(value) - 0.2} width="0.4" y="0" height="32" className="fill-indigo-600 dark:fill-indigo-300" />
        </svg>
      </div>
      <input
        type="range"
        className="w-full accent-indigo-600"
        min={from}
        max={to}
        step={1}
        value={Math.min(to, Math.max(from, value))}
        aria-label="Moment shown"
        aria-valuetext={formatDateTime(value)}
        aria-keyshortcuts="ArrowLeft ArrowRight PageUp PageDown Home End"
        onKeyDown={key}
        onChange={(e) => {
          const next = Number(e.target.value);
          setDragged(next);
          if (timer.current) clearTimeout(timer.current);
          timer.current = setTimeout(() => {
            setDragged(null);
            onMove(next, false);
          }, 150);
        }}
        data-testid="scrubber-input"
      />
      <div className="flex justify-between text-xs text-slate-600 dark:text-slate-400">
        <span>{formatDateTime(from)}</span>
        <span>{formatDateTime(to)}</span>
      </div>
    </div>
  );
}
