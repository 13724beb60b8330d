// A value held in the URL, shown at once. The router commits a navigation a moment after the click (longer on
// a busy machine), so a control bound straight to the URL shows the old value until then, and a second click
// in that moment is computed from the old value and drops the first. The mirror takes each new value at once
// and remembers the ones on their way to the URL; when the URL arrives at one of those it keeps the newest,
// and when the URL moves by itself (back, reload, another control) the mirror follows it.
import { useState } from 'react';

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

interface Mirror<T> {
  seen: T;
  local: T;
  /** values set here and not yet seen in the URL, oldest first */
  pending: T[];
}

/** The next mirror when the URL holds `url` (the same object when nothing changed). */
export function follow<T>(m: Mirror<T>, url: T, same: (a: T, b: T) => boolean = sameJson): Mirror<T> {
  if (same(m.seen, url)) return m;
  const i = m.pending.findIndex((p) => same(p, url));
  if (i < 0) return { seen: url, local: url, pending: [] };
  const pending = m.pending.slice(i + 1);
  return { seen: url, local: pending.length > 0 ? m.local : url, pending };
}

/** [the value to show, a setter that shows it at once and sends it to the URL with toUrl] */
export function useMirror<T>(fromUrl: T, toUrl: (next: T) => void, same: (a: T, b: T) => boolean = sameJson): [T, (next: T) => void] {
  const [m, setM] = useState<Mirror<T>>({ seen: fromUrl, local: fromUrl, pending: [] });
  const next = follow(m, fromUrl, same);
  // adjusting state while rendering (React's documented pattern): the URL moved, the mirror follows
  if (next !== m) setM(next);
  const set = (v: T) => {
    setM((cur) => ({ ...cur, local: v, pending: [...cur.pending, v] }));
    toUrl(v);
  };
  return [next.local, set];
}
