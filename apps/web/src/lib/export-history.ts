// Every event that matches the history's filters, not just the page on screen: the API's pages (1000 a
// request) one after another, up to a bound. The list is newest first, so events that arrive while this
// runs push older ones down a page: they come round twice and are dropped by seq; nothing is skipped.
import type { ClusterEvent } from '@quorate/model';
import type { HistoryFilter } from '../api/admin';
import type { HistoryPage } from '../api/types';

/** events per request (the API's most) */
export const EXPORT_PAGE = 1000;
/** at most this many events in one file */
export const EXPORT_MAX = 100_000;

export interface CollectedHistory {
  events: ClusterEvent[];
  /** how many matched when the export began */
  total: number;
  /** stopped at the bound with more left */
  cut: boolean;
}

export interface CollectOptions {
  pageSize?: number;
  max?: number;
  /** after each page: how many so far, of how many */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export async function collectHistory(
  filter: Omit<HistoryFilter, 'limit' | 'offset'>,
  fetchPage: (f: HistoryFilter) => Promise<HistoryPage>,
  { pageSize = EXPORT_PAGE, max = EXPORT_MAX, onProgress, signal }: CollectOptions = {},
): Promise<CollectedHistory> {
  const events: ClusterEvent[] = [];
  const seen = new Set<string>();
  let total = 0;
  let offset = 0;
  // each request moves on by a page; the bound on requests holds even if the list keeps growing
  for (let request = 0; request <= Math.ceil(max / pageSize) + 1; request++) {
    signal?.throwIfAborted();
    const page = await fetchPage({ ...filter, limit: pageSize, offset });
    if (request === 0) total = page.total;
    for (const e of page.events) {
      const key = `${e.clusterId}#${e.seq}`;
      if (seen.has(key)) continue;
      if (events.length === max) return { events, total, cut: true };
      seen.add(key);
      events.push(e);
    }
    onProgress?.(events.length, Math.max(total, events.length));
    // the total says when it ends (not a short page: the store skips corrupt rows, so a page may be short)
    if (page.events.length === 0 || offset + pageSize >= page.total) return { events, total, cut: false };
    offset += pageSize;
  }
  return { events, total, cut: events.length < total };
}

/** hands text to the browser as a file download */
export function downloadText(name: string, type: string, text: string, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // the download has its own reference by now; a moment's grace for slow browsers
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
