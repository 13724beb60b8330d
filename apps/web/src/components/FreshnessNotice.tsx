// After a reconnect, says briefly how the page caught up ("caught up on 3 missed events" or "was too far
// behind: reloaded the full state"). The polite live region is always in the DOM so it is announced.
import { useEffect, useState } from 'react';
import { useConnection } from '../live/connection';
import { Icon } from './Icon';

const SHOWN_MS = 8000;

export function FreshnessNotice() {
  const { notice } = useConnection();
  const [hiddenId, setHiddenId] = useState<number | null>(null);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setHiddenId(notice.id), SHOWN_MS);
    return () => clearTimeout(t);
  }, [notice]);
  const text = notice && notice.id !== hiddenId ? notice.text : '';
  return (
    <div className="pointer-events-none fixed inset-x-0 bottom-3 z-40 flex justify-center px-3">
      <div role="status" aria-live="polite" aria-atomic="true" data-testid="freshness-notice">
        {text && (
          <p className="animate-slide-in inline-flex items-center gap-2 rounded-full border border-sky-700 bg-sky-50 px-4 py-1.5 text-sm font-semibold text-sky-950 shadow-md dark:border-sky-400 dark:bg-sky-950 dark:text-sky-50">
            <Icon name="info" />
            {text}
          </p>
        )}
      </div>
    </div>
  );
}
