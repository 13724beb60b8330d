// The predicted quorum of a membership change, as one sentence and a before → after table:
// "expected votes 3 → 4, needed 2 → 3, can lose 1 node → 1 node".
import type { QuorumFigures } from '@quorate/model';
import { plural } from '../../lib/format';

const arrow = (a: number | string, b: number | string) => `${a} → ${b}`;

export function quorumSentence(before: QuorumFigures, after: QuorumFigures): string {
  return `expected votes ${arrow(before.expectedVotes, after.expectedVotes)}, needed ${arrow(before.quorum, after.quorum)}, can lose ${arrow(
    plural(before.nodesCanLose, 'node'),
    plural(after.nodesCanLose, 'node'),
  )}`;
}

const state = (q: QuorumFigures) => (q.quorate ? 'QUORATE' : 'NOT QUORATE');

export function QuorumChange({ before, after, testId = 'quorum-change' }: { before: QuorumFigures | null; after: QuorumFigures; testId?: string }) {
  return (
    <div data-testid={testId}>
      <p className="font-semibold" data-testid={`${testId}-sentence`}>
        {before ? quorumSentence(before, after) : `expected votes ${after.expectedVotes}, needed ${after.quorum}, can lose ${plural(after.nodesCanLose, 'node')}`}
      </p>
      <p className="text-sm" data-testid={`${testId}-state`}>
        {before ? `${state(before)} now; ${state(after)} afterwards` : `${state(after)} afterwards`} ({after.totalVotes} of {after.expectedVotes} votes present then)
      </p>
      {before && after.nodesCanLose < before.nodesCanLose && (
        <p className="mt-1 text-sm font-semibold text-amber-900 dark:text-amber-200" data-testid={`${testId}-fragile`}>
          <span aria-hidden="true">! </span>Afterwards the cluster can lose fewer nodes than now.
        </p>
      )}
    </div>
  );
}
