// "Can I reboot it now?" (issue 15), one click from a node: the BFF's answer (GET /whatif/reboot) as YES or NO
// in big words, its sentence, quorum while the node is down (each partition), the margin left, and — when the
// BFF says — the HA guests that would move. Asked again when the cluster changes while it is open.
// Its own chunk: the overview's nodes panel and the plan page open it lazily.
import { useEffect, useId, useRef } from 'react';
import { useQuery } from '@tanstack/react-query';
import { errorText, retryUnlessClientError } from '../../api/http';
import { fetchReboot, whatifKeys } from '../../api/whatif';
import { useSnapshot } from '../../live/useClusterLive';
import { Icon } from '../Icon';
import { haGuestsText, marginText, partitionLine } from './plan-text';
import { sceneKey } from './scene';

interface Props {
  clusterId: string;
  node: string;
  onClose: () => void;
}

export default function RebootDialog({ clusterId, node, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const entry = useSnapshot(clusterId);
  const scene = entry ? sceneKey(entry.snapshot) : 'none';
  // modal: focus kept inside, Escape closes (as ExpectedVotesDialog: no close() on cleanup)
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const q = useQuery({
    queryKey: whatifKeys.reboot(clusterId, node, scene),
    queryFn: () => fetchReboot(clusterId, node),
    retry: retryUnlessClientError(3),
    staleTime: 5_000,
    placeholderData: (prev) => prev,
  });
  const r = q.data;
  const ha = r ? haGuestsText(r) : null;
  const during = r?.during.partitions ?? [];
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      data-testid="reboot-dialog"
      className="m-auto w-[min(34rem,calc(100vw-1.5rem))] rounded-lg border border-slate-300 bg-white p-0 text-slate-900 shadow-2xl backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex max-h-[90vh] flex-col">
        <div className="border-b border-slate-200 px-4 py-3 dark:border-slate-800">
          <h2 id={titleId} className="text-lg font-bold">
            Can I reboot {node} now?
          </h2>
        </div>
        <div className="flex-1 space-y-3 overflow-y-auto px-4 py-3" aria-live="polite">
          {q.error && !r ? (
            <p className="text-sm font-semibold text-red-800 dark:text-red-300" data-testid="reboot-error">
              Could not ask the server: {errorText(q.error)}
            </p>
          ) : !r ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">Asking the server…</p>
          ) : (
            <div className={q.isFetching && q.isPlaceholderData ? 'opacity-60' : ''}>
              <p
                className={`flex items-center gap-2 text-4xl font-black tracking-wide ${r.canReboot ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}`}
                data-testid="reboot-answer"
                data-can-reboot={r.canReboot}
              >
                <Icon name={r.canReboot ? 'ok' : 'bad'} className="size-9" />
                {r.canReboot ? 'YES' : 'NO'}
              </p>
              <p className="mt-2 text-sm [overflow-wrap:anywhere]" data-testid="reboot-text">
                {r.text}
              </p>
              <h3 className="mt-3 text-sm font-semibold">Quorum while {node} is down</h3>
              {during.length === 0 ? (
                <p className="text-sm">No node is left running.</p>
              ) : (
                <ul className="mt-1 space-y-1 text-sm" data-testid="reboot-during">
                  {during.map((p) => (
                    <li key={p.nodes.join()} className="flex items-start gap-1.5">
                      <span className={`inline-flex shrink-0 items-center gap-1 font-semibold ${p.quorate ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}`}>
                        <Icon name={p.quorate ? 'ok' : 'bad'} />
                        {p.quorate ? 'quorate' : 'not quorate'}
                      </span>
                      <span className="min-w-0 [overflow-wrap:anywhere]">{partitionLine(p)}</span>
                    </li>
                  ))}
                </ul>
              )}
              <p className="mt-2 text-sm" data-testid="reboot-margin">
                <span className="font-semibold">Margin:</span> {marginText(r)}
                {!r.quorateNow && <> (the cluster is not quorate now)</>}
                {r.alreadyDown && <> ({node} is already down)</>}
              </p>
              {ha && (
                <p className="mt-2 text-sm" data-testid="reboot-ha">
                  {ha}
                </p>
              )}
            </div>
          )}
        </div>
        <div className="flex justify-end gap-2 border-t border-slate-200 px-4 py-3 dark:border-slate-800">
          <button type="button" className="btn max-sm:min-h-11" onClick={() => ref.current?.close()} data-testid="reboot-close" autoFocus>
            Close
          </button>
        </div>
      </div>
    </dialog>
  );
}
