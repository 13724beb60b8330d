// A delivery's outcome in words and a mark (never by colour alone): sent, failed, suppressed.
import type { DeliveryOutcome } from '../../api/alerts';
import { Icon } from '../Icon';

const STYLE: Record<DeliveryOutcome, { cls: string; icon: 'ok' | 'bad' | 'info' }> = {
  sent: { cls: 'text-emerald-800 dark:text-emerald-300', icon: 'ok' },
  failed: { cls: 'text-red-800 dark:text-red-300', icon: 'bad' },
  suppressed: { cls: 'text-slate-700 dark:text-slate-300', icon: 'info' },
};

export function OutcomeTag({ outcome }: { outcome: DeliveryOutcome }) {
  const s = STYLE[outcome];
  return (
    <span className={`inline-flex items-center gap-1 font-semibold uppercase ${s.cls}`} data-testid="delivery-outcome">
      <Icon name={s.icon} />
      {outcome}
    </span>
  );
}
