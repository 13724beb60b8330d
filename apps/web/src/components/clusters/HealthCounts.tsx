// The line at the top of the all-clusters page: how many clusters are in each health, worst first, each with
// its mark (shape and colour, for the eye; the words say it): "✕ 2 lost · ▲ 5 degraded · ● 93 healthy".
// Zeros are left out.
import { StateMark } from '../ClusterSwitcher';
import { WORST_FIRST, type Health } from './order';

export function HealthCounts({ counts }: { counts: Record<Health, number> }) {
  const shown = WORST_FIRST.filter((h) => counts[h] > 0);
  return (
    <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm" data-testid="clusters-counts">
      {shown.map((h, i) => (
        <span key={h} className="inline-flex items-center gap-1" data-testid={`clusters-count-${h}`}>
          {i > 0 && (
            <span aria-hidden="true" className="pr-1 text-slate-500">
              ·
            </span>
          )}
          <span aria-hidden="true">
            <StateMark health={h} />
          </span>
          <span className={h === 'healthy' ? '' : 'font-semibold'}>
            {counts[h]} {h}
          </span>
        </span>
      ))}
    </p>
  );
}
