// Proxmox HA (pve, only when the snapshot has it): the HA manager's own quorum and master, nodes being fenced
// (red), each node's local resource manager (a dead one amber), and the HA services — those in trouble listed
// with their state in words (error red, fence/recovery amber), all of them in a disclosure.
// Its own chunk (Overview lazy-loads it): sim/lab/ssh snapshots never load it.
import type { ClusterSnapshot, HaStatus } from '@quorate/model';
import { listNames, plural } from '../../lib/format';
import { lrmTrouble } from '../../lib/pve-format';
import { Icon } from '../Icon';
import { StaleTag } from '../StaleTag';

/** service states that need no attention */
const CALM = new Set(['started', 'stopped', 'disabled', 'ignored', 'request_start', 'request_stop']);
const red = 'text-red-800 dark:text-red-300';
const amber = 'text-amber-800 dark:text-amber-300';

type Service = HaStatus['services'][number];

function serviceTone(state: string): string {
  if (state === 'error') return `font-semibold ${red}`;
  return CALM.has(state) ? '' : amber;
}

/** `marked`: the line of the trouble list (tests find it by its sid) */
function ServiceLine({ sv, marked = false }: { sv: Service; marked?: boolean }) {
  return (
    <li className={serviceTone(sv.state)} data-testid={marked ? `ha-service-${sv.sid}` : undefined} data-state={sv.state}>
      <span className="font-mono">{sv.sid}</span> {sv.node ? `on ${sv.node}` : 'not placed'} — {sv.state}
    </li>
  );
}

/** "2 started · 1 error" */
function countStates(services: readonly Service[]): string {
  const counts = new Map<string, number>();
  for (const sv of services) counts.set(sv.state, (counts.get(sv.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(' · ');
}

export default function HaPanel({ s, stale }: { s: ClusterSnapshot; stale: boolean }) {
  const ha = s.ha;
  if (!ha) return null;
  const lrms = s.nodes.flatMap((n) => (n.resources?.haLrm != null ? [{ node: n.name, state: n.resources.haLrm }] : []));
  const trouble = ha.services.filter((sv) => !CALM.has(sv.state));
  return (
    <section aria-labelledby="ha-title" className={`panel ${stale ? 'grayscale' : ''}`} data-testid="ha-panel">
      <h2 id="ha-title" className="panel-title">
        High availability
        {stale && <StaleTag />}
      </h2>
      <div className="flex flex-col gap-1.5 text-sm">
        <p data-testid="ha-manager">
          HA manager:{' '}
          {ha.quorate === null ? (
            <span>quorum unknown</span>
          ) : ha.quorate ? (
            <span className="inline-flex items-center gap-1 text-emerald-800 dark:text-emerald-300">
              <Icon name="ok" className="size-3.5" /> quorate
            </span>
          ) : (
            <span className={`inline-flex items-center gap-1 font-semibold ${red}`}>
              <Icon name="bad" className="size-3.5" /> not quorate
            </span>
          )}{' '}
          · master {ha.master ?? 'none'}
        </p>
        {ha.fencing.length > 0 && (
          <p className={`flex items-center gap-1 font-semibold ${red}`} data-testid="ha-fencing">
            <Icon name="bad" className="size-3.5" /> Fencing {listNames(ha.fencing)}: HA restarts {ha.fencing.length === 1 ? 'its' : 'their'} services elsewhere once
            fenced
          </p>
        )}
        {lrms.length > 0 && (
          <div>
            <h3 className="font-semibold">Local resource managers</h3>
            <ul className="flex flex-wrap gap-x-3" data-testid="ha-lrms">
              {lrms.map(({ node, state }) => (
                <li key={node} data-testid={`ha-lrm-${node}`} className={lrmTrouble(state) ? `inline-flex items-center gap-1 font-semibold ${amber}` : ''}>
                  {lrmTrouble(state) && <Icon name="warn" className="size-3.5" />}
                  {node} {state}
                </li>
              ))}
            </ul>
          </div>
        )}
        <div>
          <h3 className="font-semibold">
            Services <span className="font-normal">({ha.services.length ? `${plural(ha.services.length, 'service')}: ${countStates(ha.services)}` : 'none'})</span>
          </h3>
          {trouble.length > 0 && (
            <ul data-testid="ha-trouble">
              {trouble.map((sv) => (
                <ServiceLine key={sv.sid} sv={sv} marked />
              ))}
            </ul>
          )}
          {ha.services.length > trouble.length && (
            <details className="mt-1">
              <summary className="cursor-pointer text-sky-700 max-sm:flex max-sm:min-h-11 max-sm:items-center dark:text-sky-300">all services</summary>
              <ul className="mt-1">
                {ha.services.map((sv) => (
                  <ServiceLine key={sv.sid} sv={sv} />
                ))}
              </ul>
            </details>
          )}
        </div>
      </div>
    </section>
  );
}
