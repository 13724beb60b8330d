// The header's cluster switcher, made for dozens of clusters: a button naming the current one opens a popover
// with a search box (ARIA combobox) over a listbox of every cluster — its state as a shape, a colour and a word
// (never colour alone), its name and id; the current one marked. Type to filter (name or id), arrows to move,
// Enter to open, Escape to close; Tab goes on to the link under the list ("All clusters", the caller's).
// On a phone the button is a 44 px square beside Menu; the list spans the width.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { ClusterList, ClusterState } from '@quorate/model';

type Summary = ClusterList['clusters'][number];
type Health = ClusterState['health'];

const MARK: Record<Health, { glyph: string; className: string; word: string }> = {
  healthy: { glyph: '●', className: 'text-emerald-600 dark:text-emerald-400', word: 'healthy' },
  degraded: { glyph: '▲', className: 'text-amber-600 dark:text-amber-400', word: 'degraded' },
  lost: { glyph: '✕', className: 'text-red-700 dark:text-red-400', word: 'quorum lost' },
  unknown: { glyph: '?', className: 'text-slate-500 dark:text-slate-400', word: 'unknown' },
};

export const healthOf = (c: Summary): Health => c.state?.health ?? 'unknown';

/** the state as a shape in its colour; the word for screen readers (and beside it where there is room) */
export function StateMark({ health, showWord = false }: { health: Health; showWord?: boolean }) {
  const m = MARK[health];
  return (
    <span className="inline-flex shrink-0 items-center gap-1" data-health={health}>
      <span aria-hidden="true" className={`inline-block w-3 text-center font-bold ${m.className}`}>
        {m.glyph}
      </span>
      <span className={showWord ? 'text-xs text-slate-600 dark:text-slate-400' : 'sr-only'}>{m.word}</span>
    </span>
  );
}

export function matches(c: Summary, query: string): boolean {
  const q = query.trim().toLowerCase();
  return q === '' || c.name.toLowerCase().includes(q) || c.id.toLowerCase().includes(q);
}

interface Props {
  clusters: Summary[];
  clusterId: string | null;
  onSelect: (id: string) => void;
  /** a link under the list (the header's "All clusters": its router Link, so this file needs no router) */
  footer?: ReactNode;
}

export function ClusterSwitcher({ clusters, clusterId, onSelect, footer }: Props) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const base = useId();
  const box = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const shown = useMemo(() => clusters.filter((c) => matches(c, query)), [clusters, query]);
  const current = clusters.find((c) => c.id === clusterId);
  const optionId = (i: number) => `${base}-option-${i}`;

  const close = (focusTrigger: boolean) => {
    setOpen(false);
    setQuery('');
    if (focusTrigger) trigger.current?.focus();
  };
  const choose = (c: Summary | undefined) => {
    if (!c) return;
    close(true);
    if (c.id !== clusterId) onSelect(c.id);
  };

  useEffect(() => {
    if (!open) return;
    input.current?.focus();
    // a press outside closes it (focus stays where the press put it)
    const outside = (e: PointerEvent) => {
      if (box.current && e.target instanceof Node && !box.current.contains(e.target)) {
        setOpen(false);
        setQuery('');
      }
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  // the active option stays in view as the arrows move it
  useEffect(() => {
    if (open) document.getElementById(optionId(active))?.scrollIntoView?.({ block: 'nearest' });
  }, [active, open]);

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    const last = shown.length - 1;
    if (e.key === 'ArrowDown') setActive((a) => Math.min(last, a + 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
    else if (e.key === 'Home') setActive(0);
    else if (e.key === 'End') setActive(Math.max(0, last));
    else if (e.key === 'Enter') choose(shown[active]);
    else if (e.key === 'Escape') close(true);
    // Tab goes on to the footer's link (the options take no focus), else it leaves: closed
    else if (e.key === 'Tab' && (e.shiftKey || !footer)) close(false);
    else return;
    e.preventDefault();
  };

  const openList = () => {
    setQuery('');
    setActive(Math.max(0, clusters.findIndex((c) => c.id === clusterId)));
    setOpen(true);
  };

  return (
    <div ref={box} className="relative shrink-0">
      <button
        ref={trigger}
        type="button"
        className="inline-flex min-h-11 min-w-11 items-center justify-center gap-1.5 rounded border border-slate-300 bg-white px-2 text-sm hover:bg-slate-100 sm:min-h-0 sm:py-1 dark:border-slate-700 dark:bg-slate-800 dark:hover:bg-slate-700"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-label={`Cluster: ${current?.name ?? 'none'}${current ? `, ${MARK[healthOf(current)].word}` : ''}. ${clusters.length} clusters: switch`}
        onClick={() => (open ? close(false) : openList())}
        data-testid="cluster-select"
        data-value={clusterId ?? ''}
      >
        {current && <StateMark health={healthOf(current)} />}
        <span className="max-w-48 truncate max-sm:hidden">{current?.name ?? 'Cluster'}</span>
        <span aria-hidden="true" className="text-xs max-sm:hidden">
          ▾
        </span>
      </button>
      {open && (
        <div
          className="absolute z-50 mt-1 rounded-lg border border-slate-200 bg-white p-2 shadow-lg max-sm:fixed max-sm:inset-x-2 max-sm:top-14 sm:left-0 sm:w-96 dark:border-slate-700 dark:bg-slate-900"
          data-testid="cluster-switcher"
        >
          <input
            ref={input}
            type="search"
            role="combobox"
            aria-label="Find a cluster by name or id"
            aria-expanded="true"
            aria-controls={`${base}-list`}
            aria-autocomplete="list"
            aria-activedescendant={shown.length > 0 ? optionId(Math.min(active, shown.length - 1)) : undefined}
            className="field w-full min-h-11 sm:min-h-0"
            placeholder={`Find among ${clusters.length} clusters`}
            autoComplete="off"
            spellCheck={false}
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setActive(0);
            }}
            onKeyDown={onKey}
            data-testid="cluster-switcher-search"
          />
          <p className="sr-only" aria-live="polite">
            {shown.length === clusters.length ? `${clusters.length} clusters` : `${shown.length} of ${clusters.length} clusters match`}
          </p>
          <ul id={`${base}-list`} role="listbox" aria-label="Clusters" className="mt-1 max-h-[60vh] overflow-y-auto sm:max-h-96">
            {shown.map((c, i) => {
              const isCurrent = c.id === clusterId;
              return (
                <li
                  key={c.id}
                  id={optionId(i)}
                  role="option"
                  aria-selected={isCurrent}
                  // keeps the focus in the search box; the click chooses
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => choose(c)}
                  onMouseMove={() => setActive(i)}
                  className={`flex min-h-11 cursor-pointer items-center gap-2 rounded px-2 sm:min-h-9 ${i === active ? 'bg-slate-200 dark:bg-slate-700' : ''}`}
                  data-testid={`cluster-option-${c.id}`}
                  data-active={i === active}
                >
                  <StateMark health={healthOf(c)} />
                  <span className="min-w-0 flex-1">
                    <span className={`block truncate ${isCurrent ? 'font-semibold' : ''}`}>{c.name}</span>
                    <span className="block truncate font-mono text-xs text-slate-600 dark:text-slate-400">
                      {c.id} · {c.source}
                    </span>
                  </span>
                  <span className="text-xs text-slate-600 dark:text-slate-400" aria-hidden="true">
                    {MARK[healthOf(c)].word}
                  </span>
                  <span className="w-4 text-center" aria-hidden="true">
                    {isCurrent ? '✓' : ''}
                  </span>
                  {isCurrent && <span className="sr-only">(current)</span>}
                </li>
              );
            })}
          </ul>
          {shown.length === 0 && <p className="px-2 py-2 text-sm text-slate-600 dark:text-slate-400">No cluster matches “{query.trim()}”.</p>}
          {footer && (
            // a press on the link closes the popover as it navigates; Tab on from it leaves (closed), Escape goes back
            <div onClick={() => close(false)} onKeyDown={(e) => (e.key === 'Escape' ? close(true) : e.key === 'Tab' && !e.shiftKey && close(false))} className="mt-1 border-t border-slate-200 pt-1 dark:border-slate-700">
              {footer}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
