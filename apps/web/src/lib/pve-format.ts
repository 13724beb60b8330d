// What the Proxmox API adds to a node (model NodeResources), in words: CPU, memory, uptime, guests, version.
// Pure functions; a null figure is not zero, so each returns null for the caller to say "—" and why.
import type { NodeResources } from '@quorate/model';

const GiB = 1024 ** 3;

/** 0.034 → "3%"; under 1 % but above 0 → "<1%" (an idle node is not "0%" busy) */
export function formatCpu(cpu: number | null): string | null {
  if (cpu === null || !Number.isFinite(cpu)) return null;
  const pct = Math.min(100, cpu * 100);
  return pct > 0 && pct < 1 ? '<1%' : `${Math.round(pct)}%`;
}

/** "2.0 / 61.4 GiB" (one decimal, the unit once) */
export function formatMemory(used: number | null, total: number | null): string | null {
  if (used === null || total === null || total <= 0) return null;
  return `${(used / GiB).toFixed(1)} / ${(total / GiB).toFixed(1)} GiB`;
}

/** seconds up → "12 d 3 h", "5 h 12 min", "7 min", "40 s" */
export function formatUptime(seconds: number | null): string | null {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return null;
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const min = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${min} min`;
  if (min > 0) return `${min} min`;
  return `${s} s`;
}

/**
 * "pve-manager/8.2.4/faa83925" (as /nodes/{node}/status says it) or "pve-manager 8.2.4" → "PVE 8.2.4";
 * anything else is shown as it came.
 */
export function shortPveVersion(full: string | null): string | null {
  if (full === null || full.trim() === '') return null;
  const m = /^pve-manager[/ ]([^/ ]+)/.exec(full.trim());
  return m ? `PVE ${m[1]}` : full.trim();
}

/** "3 running · 2 stopped · 1 unknown · 1 HA"; "no guests"; null when the guests are not known */
export function formatGuests(g: NodeResources['guests']): string | null {
  if (g === null) return null;
  const parts: string[] = [];
  if (g.running) parts.push(`${g.running} running`);
  if (g.stopped) parts.push(`${g.stopped} stopped`);
  if (g.unknown) parts.push(`${g.unknown} unknown`);
  if (parts.length === 0) return 'no guests';
  if (g.haManaged) parts.push(`${g.haManaged} HA`);
  return parts.join(' · ');
}

/** the guests placed on a node, whatever their state */
export function guestCount(g: NodeResources['guests']): number | null {
  return g === null ? null : g.running + g.stopped + g.unknown;
}

/** memory used as 0–100 (for a bar); null when not known */
export function memoryPct(r: NodeResources): number | null {
  if (r.memUsedBytes === null || r.memTotalBytes === null || r.memTotalBytes <= 0) return null;
  return Math.min(100, Math.max(0, (r.memUsedBytes / r.memTotalBytes) * 100));
}

/** the HA local resource manager's states that mean trouble ('old timestamp - dead?', 'lost_agent_lock', …) */
export function lrmTrouble(state: string | null): boolean {
  if (state === null) return false;
  const s = state.toLowerCase();
  return s.includes('dead') || s.includes('lost') || s.includes('fence') || s.includes('unknown');
}
