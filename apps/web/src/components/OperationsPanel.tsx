// Operators' operations on the cluster. Each one opens a guarded dialog; none runs from a single click.
import type { ClusterSnapshot } from '@quorate/model';

export function OperationsPanel({ s, onSetExpectedVotes }: { s: ClusterSnapshot; onSetExpectedVotes: () => void }) {
  const q = s.quorum;
  return (
    <section aria-labelledby="ops-title" className="panel" data-testid="operations-panel">
      <h2 id="ops-title" className="panel-title">
        Operations
      </h2>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <button type="button" className="btn" onClick={onSetExpectedVotes} data-testid="op-expected-votes">
          Set expected votes…
        </button>
        <span className="text-sm text-slate-600 dark:text-slate-400">
          <code>pvecm expected</code>
          {q ? ` · now ${q.expectedVotes} expected, ${q.quorum} needed` : ''} · shows the arithmetic and asks first
        </span>
      </div>
    </section>
  );
}
