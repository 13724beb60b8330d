// The cluster's state outside the page: the tab title (a status word first) and the favicon (green, amber,
// red, grey), so a tab among others still says whether quorum is in danger. The state is the model's
// clusterHealth; this file only words and draws it.
import type { HealthState } from '@quorate/model';

export const STATE_WORD: Record<HealthState, string> = {
  healthy: 'HEALTHY',
  degraded: 'DEGRADED',
  lost: 'QUORUM LOST',
  unknown: 'UNKNOWN',
};

/** the favicon's fill: emerald-600, amber-500, red-600, slate-500 */
export const STATE_COLOR: Record<HealthState, string> = {
  healthy: '#059669',
  degraded: '#f59e0b',
  lost: '#dc2626',
  unknown: '#64748b',
};

/**
 * What the tab shows: the health as seen now. Data that is not live cannot vouch for "healthy": it shows
 * unknown (grey) until fresh data says otherwise; a degraded or lost cluster keeps its alarm colour.
 */
export function signalState(health: HealthState, live: boolean): HealthState {
  return health === 'healthy' && !live ? 'unknown' : health;
}

/** each page's name in the tab title; the overview's title is the cluster's health */
const PAGE_TITLES: Record<string, string> = {
  '/clusters': 'All clusters',
  '/history': 'History',
  '/audit': 'Audit',
  '/admin': 'Admin',
  '/account': 'Your account',
  '/alerts': 'Alerts',
  '/plan': 'Plan',
  '/join': 'Join a node',
  '/create': 'Create a cluster',
  '/remove': 'Remove a node',
  '/qdevice': 'QDevice',
  '/links': 'Corosync links',
  '/timeline': 'Time travel',
  '/events': 'History',
};

/** the page's name for the title: null on the overview (its title is the health) */
export function pageTitle(path: string): string | null {
  return path === '/' ? null : (PAGE_TITLES[path.replace(/\/+$/, '')] ?? 'No such page');
}

/**
 * "● DEGRADED — lab-cluster — Quorate" on the overview; just the name (or "Quorate") while nothing is known
 * yet; "History — lab-cluster — Quorate" on another page (page: pageTitle's), where the icon keeps the state
 */
export function tabTitle(state: HealthState | null, clusterName: string, page: string | null = null): string {
  const name = clusterName.trim();
  const tail = name ? `${name} — Quorate` : 'Quorate';
  if (page !== null) return `${page} — ${tail}`;
  return state === null ? tail : `● ${STATE_WORD[state]} — ${tail}`;
}

/** a white sign on the coloured disc, so the icon does not rest on colour alone */
const GLYPH: Record<HealthState, string> = {
  healthy: '<path d="M9 16.5l4.5 4.5L23 11.5" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/>',
  degraded: '<path d="M16 8v10" stroke="#fff" stroke-width="4" stroke-linecap="round"/><circle cx="16" cy="23.5" r="2.3" fill="#fff"/>',
  lost: '<path d="M10.5 10.5l11 11M21.5 10.5l-11 11" stroke="#fff" stroke-width="4" stroke-linecap="round"/>',
  unknown:
    '<path d="M12 12.5a4 4 0 1 1 5.6 3.7c-1 .5-1.6 1.3-1.6 2.4v.6" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round"/><circle cx="16" cy="24" r="2.1" fill="#fff"/>',
};

export function faviconSvg(state: HealthState): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="${STATE_COLOR[state]}"/>${GLYPH[state]}</svg>`;
}

export function faviconHref(state: HealthState): string {
  return `data:image/svg+xml,${encodeURIComponent(faviconSvg(state))}`;
}

/** the neutral brand icon (index.html carries the same one) for pages without a cluster state */
export const BRAND_FAVICON = 'data:image/svg+xml,' + encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#334155"/><path d="M16 8.5 8.5 21.5h15Z" fill="none" stroke="#cbd5e1" stroke-width="2"/><circle cx="16" cy="8.5" r="3.6" fill="#f8fafc"/><circle cx="8.5" cy="21.5" r="3.6" fill="#f8fafc"/><circle cx="23.5" cy="21.5" r="3.6" fill="#f8fafc"/></svg>',
);

/** set the tab title and swap the icon on <link rel="icon"> (made when the page has none) */
export function showHealth(state: HealthState | null, clusterName: string, doc: Document = document, page: string | null = null): void {
  doc.title = tabTitle(state, clusterName, page);
  let link = doc.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = doc.createElement('link');
    link.rel = 'icon';
    doc.head.appendChild(link);
  }
  link.type = 'image/svg+xml';
  link.href = state === null ? BRAND_FAVICON : faviconHref(state);
  if (state === null) delete link.dataset.state;
  else link.dataset.state = state;
}
