// Bookmarks from the hash-routed page (`/#/history`, `/?cluster=x#/audit`, `#/events`): the same page at
// its path (`/history?cluster=x`), replacing the history entry. Run once, before the router reads the URL.
const PAGES: Record<string, string> = { '': '/', history: '/history', events: '/history', audit: '/audit', admin: '/admin', account: '/account' };

/** the path URL for a hash-routed one, or null when the hash is not a route (`#main`, none) */
export function pathForLegacyHash(href: string): string | null {
  const url = new URL(href);
  const m = /^#\/([^?]*)(?:\?(.*))?$/.exec(url.hash);
  if (!m) return null;
  const page = PAGES[(m[1] ?? '').replace(/\/+$/, '')] ?? '/';
  const search = new URLSearchParams(url.search);
  for (const [k, v] of new URLSearchParams(m[2] ?? '')) if (!search.has(k)) search.set(k, v);
  const q = search.toString();
  return `${page}${q ? `?${q}` : ''}`;
}

export function redirectLegacyHash(): void {
  const to = pathForLegacyHash(location.href);
  if (to !== null) history.replaceState(history.state, '', to);
}
