// What the Proxmox API says about one node (model NodeResources), for the nodes panel: load (CPU, memory),
// guests, uptime and version as table cells, or CPU and memory in percent and a guest count in a compact tile.
// Absent on sim/lab/ssh snapshots (the panel then shows none of this). A null figure is "—", never 0, with
// the reason where it is known (the node is offline). Memoized by the resources object: a patch that leaves
// a node's resources alone (model applyPatch keeps the object) skips them.
import { memo } from 'react';
import type { NodeResources as Resources, NodeState } from '@quorate/model';
import { formatCpu, formatGuests, formatMemory, formatUptime, guestCount, memoryPct, shortPveVersion } from '../../lib/pve-format';

/** does any node carry what the Proxmox API adds? (the panel adds its columns only then) */
export function hasResources(nodes: readonly { resources?: Resources | undefined }[]): boolean {
  return nodes.some((n) => n.resources !== undefined);
}

function Missing({ why }: { why: string | null }) {
  return (
    <span className="text-slate-500 dark:text-slate-400" title={why ?? 'not reported'}>
      —{why && <span className="text-xs"> {why}</span>}
    </span>
  );
}

/** why a node's figures are missing, in words, where it is known */
function whyMissing(state: NodeState): string | null {
  return state === 'offline' ? 'node offline' : state === 'unknown' ? 'node state unknown' : null;
}

/** the version and kernel as the node reports them, for a title */
export function versionTitle(r: Resources): string | undefined {
  const parts = [r.pveVersion, r.kernel ? `kernel ${r.kernel}` : null].filter((x): x is string => x !== null);
  return parts.length ? parts.join(' · ') : undefined;
}

/** "3% of 8 CPUs · 2.0 / 61.4 GiB" */
export const LoadCell = memo(function LoadCell({ r, state }: { r: Resources; state: NodeState }) {
  const cpu = formatCpu(r.cpu);
  const mem = formatMemory(r.memUsedBytes, r.memTotalBytes);
  if (cpu === null && mem === null) return <Missing why={whyMissing(state)} />;
  return (
    <span className="inline-flex flex-col tabular-nums max-sm:flex-row max-sm:flex-wrap max-sm:gap-x-3" data-testid="node-load">
      <span className="whitespace-nowrap">
        <span className="text-slate-500 dark:text-slate-400">CPU</span> {cpu ?? '—'}
        {r.cpus !== null && <span className="text-slate-500 dark:text-slate-400"> of {r.cpus}</span>}
      </span>
      <span className="whitespace-nowrap">
        <span className="text-slate-500 dark:text-slate-400">mem</span> {mem ?? '—'}
      </span>
    </span>
  );
});

/** "1 running · 2 stopped · 1 HA" */
export const GuestsCell = memo(function GuestsCell({ r, state }: { r: Resources; state: NodeState }) {
  const text = formatGuests(r.guests);
  if (text === null) return <Missing why={whyMissing(state) ?? 'not readable (VM.Audit)'} />;
  // a node that is offline still has its guests placed on it: their state is what is not known
  return (
    <span data-testid="node-guests" className="inline-flex flex-wrap gap-x-1 tabular-nums">
      {text.split(' · ').map((part, i) => (
        <span key={part} className="whitespace-nowrap">
          {i > 0 && '· '}
          {part}
        </span>
      ))}
      {r.guests && r.guests.unknown > 0 && state === 'offline' && <span className="text-xs text-slate-500 dark:text-slate-400"> (node offline)</span>}
    </span>
  );
});

/** "PVE 8.2.4 · up 12 d 3 h"; the full version string and the kernel in the title */
export const VersionCell = memo(function VersionCell({ r, state }: { r: Resources; state: NodeState }) {
  const version = shortPveVersion(r.pveVersion);
  const up = formatUptime(r.uptimeS);
  if (version === null && up === null) return <Missing why={null} />;
  return (
    <span className="inline-flex flex-col max-sm:flex-row max-sm:flex-wrap max-sm:gap-x-3" title={versionTitle(r)} data-testid="node-version">
      {version !== null && <span className="whitespace-nowrap">{version}</span>}
      {up !== null && <span className="whitespace-nowrap tabular-nums">up {up}</span>}
      {state !== 'online' && version === null && <span className="text-xs">{whyMissing(state)}</span>}
    </span>
  );
});

/** a busy figure (≥ 90 %) is said in bold amber, beside its number */
function busy(pct: number | null): string {
  return pct !== null && Math.round(pct) >= 90 ? 'font-semibold text-amber-800 dark:text-amber-300' : '';
}

/** the compact tile's line: CPU and memory in percent (the figures in full in the title) */
export const LoadCompact = memo(function LoadCompact({ r, state }: { r: Resources; state: NodeState }) {
  const cpu = formatCpu(r.cpu);
  const memPct = memoryPct(r);
  if (cpu === null && memPct === null) {
    return (
      <span className="text-xs" data-testid="node-load">
        <Missing why={whyMissing(state)} />
      </span>
    );
  }
  const title = [`CPU ${cpu ?? '—'}${r.cpus !== null ? ` of ${r.cpus}` : ''}`, `memory ${formatMemory(r.memUsedBytes, r.memTotalBytes) ?? '—'}`, shortPveVersion(r.pveVersion), r.uptimeS !== null ? `up ${formatUptime(r.uptimeS)}` : null]
    .filter((x) => x !== null)
    .join(' · ');
  return (
    <span className="flex flex-wrap gap-x-2 text-xs tabular-nums" title={title} data-testid="node-load">
      <span className={busy(r.cpu === null ? null : r.cpu * 100)}>CPU {cpu ?? '—'}</span>
      <span className={busy(memPct)}>mem {memPct === null ? '—' : `${Math.round(memPct)}%`}</span>
    </span>
  );
});

/** the compact tile's guest count ("5 guests"), all of them in the title */
export const GuestCountCompact = memo(function GuestCountCompact({ r }: { r: Resources }) {
  const count = guestCount(r.guests);
  if (count === null) return null;
  return (
    <span className="ml-auto whitespace-nowrap text-xs tabular-nums" title={formatGuests(r.guests) ?? undefined} data-testid="node-guests">
      {count} {count === 1 ? 'guest' : 'guests'}
    </span>
  );
});
