// The what-if's picker: the live node list as checkboxes (each with its state and votes, and "can I reboot
// it now?"), each node's links (node × link number) in a disclosure, and the QDevice when there is one.
// Controlled: the picks live in the URL (plan-search.ts); every change calls onChange with the new picks.
import type { ClusterSnapshot } from '@quorate/model';
import type { WhatIfFailures } from '../../api/whatif';
import { linkNumbers } from '../../lib/cluster';
import { plural } from '../../lib/format';
import { useMirror } from '../../lib/useMirror';
import { NO_FAILURES } from './picks';

interface Props {
  s: ClusterSnapshot;
  picks: WhatIfFailures;
  onChange: (next: WhatIfFailures) => void;
  /** "can I reboot it now?" for a node (absent: no button) */
  onReboot?: (node: string) => void;
}

const check = 'inline-flex min-w-0 cursor-pointer items-center gap-2 rounded px-1 py-1 hover:bg-slate-100 max-sm:min-h-11 dark:hover:bg-slate-800';
const box = 'size-4 shrink-0 accent-sky-700';

export function FailurePicker({ s, picks: fromUrl, onChange: toUrl, onReboot }: Props) {
  const [picks, onChange] = useMirror(fromUrl, toUrl);
  const links = linkNumbers(s);
  const nodeOn = (name: string) => picks.nodes.includes(name);
  const linkOn = (node: string, link: number) => picks.links.some((l) => l.node === node && l.link === link);
  const toggleNode = (name: string, on: boolean) => onChange({ ...picks, nodes: on ? [...picks.nodes, name] : picks.nodes.filter((n) => n !== name) });
  const toggleLink = (node: string, link: number, on: boolean) =>
    onChange({ ...picks, links: on ? [...picks.links, { node, link }] : picks.links.filter((l) => !(l.node === node && l.link === link)) });
  const any = picks.nodes.length > 0 || picks.links.length > 0 || picks.qdevice;
  return (
    <div className="flex min-w-0 flex-col gap-3" data-testid="whatif-picker">
      <fieldset className="min-w-0">
        <legend className="mb-1 text-sm font-semibold">Nodes that fail</legend>
        <ul className="grid grid-cols-[repeat(auto-fill,minmax(11rem,1fr))] gap-x-3 text-sm">
          {s.nodes.map((n) => (
            <li key={n.id} className="flex min-w-0 items-center justify-between gap-1">
              <label className={check}>
                <input type="checkbox" className={box} checked={nodeOn(n.name)} onChange={(e) => toggleNode(n.name, e.target.checked)} data-testid={`whatif-node-${n.name}`} />
                <span className="min-w-0 truncate font-semibold">{n.name}</span>
                <span className="whitespace-nowrap text-xs text-slate-600 dark:text-slate-400">
                  {plural(n.votes, 'vote')}
                  {n.state !== 'online' && <> · {n.state === 'offline' ? 'down now' : 'state unknown'}</>}
                </span>
              </label>
              {onReboot && (
                <button
                  type="button"
                  className="shrink-0 rounded px-1 text-xs whitespace-nowrap text-sky-700 underline underline-offset-2 max-sm:min-h-11 dark:text-sky-300"
                  aria-haspopup="dialog"
                  aria-label={`can I reboot ${n.name} now?`}
                  onClick={() => onReboot(n.name)}
                  data-testid={`plan-reboot-${n.name}`}
                >
                  reboot?
                </button>
              )}
            </li>
          ))}
        </ul>
      </fieldset>

      {links.length > 0 && (
        <details className="min-w-0 text-sm" open={picks.links.length > 0} data-testid="whatif-links">
          <summary className="cursor-pointer py-1 font-semibold max-sm:min-h-11 max-sm:py-3">
            Links that fail {picks.links.length > 0 && <span className="font-normal">({plural(picks.links.length, 'picked')})</span>}
            <span className="block text-xs font-normal text-slate-600 dark:text-slate-400">a link failed at a node: that node loses it to every peer</span>
          </summary>
          <ul className="mt-1 space-y-0.5">
            {s.nodes.map((n) => (
              <li key={n.id} className="flex min-w-0 flex-wrap items-center gap-x-1">
                <span className="w-20 truncate font-semibold" id={`whatif-links-${n.id}`}>
                  {n.name}
                </span>
                <span role="group" aria-labelledby={`whatif-links-${n.id}`} className="flex flex-wrap gap-x-1">
                  {links.map((l) => (
                    <label key={l} className={check}>
                      <input type="checkbox" className={box} checked={linkOn(n.name, l)} onChange={(e) => toggleLink(n.name, l, e.target.checked)} data-testid={`whatif-link-${n.name}-${l}`} />
                      link {l}
                    </label>
                  ))}
                </span>
              </li>
            ))}
          </ul>
        </details>
      )}

      {s.qdevice && (
        <label className={`${check} text-sm`}>
          <input type="checkbox" className={box} checked={picks.qdevice} onChange={(e) => onChange({ ...picks, qdevice: e.target.checked })} data-testid="whatif-qdevice" />
          <span>
            <span className="font-semibold">The QDevice fails</span>{' '}
            <span className="text-xs text-slate-600 dark:text-slate-400">
              ({s.qdevice.host ?? 'qnetd'}, {plural(s.qdevice.votes, 'vote')})
            </span>
          </span>
        </label>
      )}

      <div>
        <button type="button" className="btn max-sm:min-h-11" disabled={!any} onClick={() => onChange(NO_FAILURES)} data-testid="whatif-clear">
          Clear
        </button>
      </div>
    </div>
  );
}
