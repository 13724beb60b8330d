// The clusters a channel is for: all of them (also those added later), or the ones ticked.
import type { ClusterList } from '@quorate/model';
import { Field } from '../form';

export function ClusterChoice({
  clusters,
  all,
  chosen,
  error,
  onAll,
  onChosen,
}: {
  clusters: ClusterList['clusters'];
  all: boolean;
  chosen: string[];
  error?: string;
  onAll: (all: boolean) => void;
  onChosen: (ids: string[]) => void;
}) {
  // a chosen cluster since removed still shows, so it can be unticked
  const ids = [...new Set([...clusters.map((c) => c.id), ...chosen])];
  const nameOf = (id: string) => clusters.find((c) => c.id === id)?.name ?? `${id} (removed)`;
  return (
    <fieldset className="rounded border border-slate-200 p-2 dark:border-slate-700" data-testid="channel-clusters" aria-describedby={error ? 'channel-clusters-error' : undefined}>
      <legend className="px-1 text-sm font-semibold">Clusters</legend>
      <Field label="All clusters (also those added later)" layout="check">
        <input type="checkbox" className="mt-1" checked={all} onChange={(e) => onAll(e.target.checked)} data-testid="channel-clusters-all" />
      </Field>
      {!all && (
        <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1 pl-6">
          {ids.map((id) => (
            <li key={id}>
              <Field label={nameOf(id)} layout="check">
                <input
                  type="checkbox"
                  className="mt-1"
                  checked={chosen.includes(id)}
                  onChange={(e) => onChosen(e.target.checked ? [...chosen, id] : chosen.filter((c) => c !== id))}
                  data-testid={`channel-cluster-${id}`}
                />
              </Field>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p id="channel-clusters-error" className="mt-1 text-sm font-semibold text-red-800 dark:text-red-300">
          {error}
        </p>
      )}
    </fieldset>
  );
}
