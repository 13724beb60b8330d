// The plan page's words, worked out from the BFF's answers: the what-if's result in one sentence, each
// predicted partition in a line, the advisor's checks grouped worst first with a count, and the reboot
// check's margin. Pure (no React), so the unit tests read them directly.
import type { AdvisorCheck, AdvisorStatus, PredictedPartition, RebootAnswer, WhatIfResponse } from '../../api/whatif';
import { listNames, plural } from '../../lib/format';

type Partition = Pick<PredictedPartition, 'nodes' | 'votes' | 'expectedVotes' | 'quorum' | 'quorate' | 'mode' | 'reason'>;

const holds = (nodes: readonly string[]) => (nodes.length === 1 ? 'holds' : 'hold');

/** why a partition is (not) quorate when the votes alone do not say it */
export const MODE_WORDS: Record<PredictedPartition['mode'], string> = {
  votes: 'by votes',
  'two-node': 'two_node: one of two nodes is enough',
  'auto-tie-breaker': 'auto_tie_breaker: it wins an even split',
  'wait-for-all': 'wait_for_all: waiting to see all votes',
};

/** "pve1, pve2 and pve3 hold 3 of 5 votes, 3 needed" (another mode: its words instead of "N needed") */
export function partitionLine(p: Partition): string {
  const head = `${listNames(p.nodes)} ${holds(p.nodes)} ${p.votes} of ${plural(p.expectedVotes, 'vote')}`;
  return p.mode === 'votes' ? `${head}, ${p.quorum} needed` : `${head} (${MODE_WORDS[p.mode]})`;
}

/**
 * What a partition's reason says beyond its votes ("2 of 5 votes, 3 needed; QDevice …" → "QDevice …"), or
 * the whole reason when it says something else first (a mode); null when it says nothing more.
 */
export function reasonBeyondVotes(p: Pick<Partition, 'votes' | 'expectedVotes' | 'quorum' | 'reason'>): string | null {
  const base = `${p.votes} of ${p.expectedVotes} votes, ${p.quorum} needed`;
  if (p.reason === base) return null;
  return p.reason.startsWith(`${base}; `) ? p.reason.slice(base.length + 2) : p.reason;
}

/**
 * The what-if's result in one sentence: "Quorum holds: pve1, pve2 and pve3 hold 3 of 5 votes, 3 needed",
 * with the partitions cut off from it; or "Quorum is lost: pve1 and pve2 hold 2 of 5 votes, 3 needed".
 */
export function resultSentence(r: Pick<WhatIfResponse, 'quorate' | 'partitions'>): string {
  const quorate = r.partitions.filter((p) => p.quorate);
  const others = r.partitions.filter((p) => !p.quorate);
  if (r.quorate && quorate.length > 0) {
    const cut = others.flatMap((p) => p.nodes);
    const tail = cut.length ? `; ${listNames(cut)} ${cut.length === 1 ? 'is' : 'are'} cut off without quorum` : '';
    // two quorate sides can only come from two_node or a mode: say both
    return `Quorum holds: ${quorate.map(partitionLine).join('; ')}${tail}`;
  }
  if (r.partitions.length === 0) return 'Quorum is lost: no node is left running';
  return `Quorum is lost: ${others.map(partitionLine).join('; ')}`;
}

export const STATUS_ORDER: readonly AdvisorStatus[] = ['fail', 'warn', 'not-checked', 'pass'];

export const STATUS_WORDS: Record<AdvisorStatus, { one: string; many: string; label: string }> = {
  fail: { one: 'failed', many: 'failed', label: 'failed' },
  warn: { one: 'warning', many: 'warnings', label: 'warning' },
  'not-checked': { one: 'not checked', many: 'not checked', label: 'not checked' },
  pass: { one: 'passed', many: 'passed', label: 'passed' },
};

/** the checks by status, worst first (fail → warn → not-checked → pass), each group in the BFF's order; empty groups left out */
export function groupChecks(checks: readonly AdvisorCheck[]): { status: AdvisorStatus; checks: AdvisorCheck[] }[] {
  return STATUS_ORDER.map((status) => ({ status, checks: checks.filter((c) => c.status === status) })).filter((g) => g.checks.length > 0);
}

/** "1 failed · 2 warnings · 3 not checked · 4 passed" (every status, zeros too: "0 failed" is news) */
export function advisorSummary(checks: readonly AdvisorCheck[]): string {
  return STATUS_ORDER.map((s) => {
    const n = checks.filter((c) => c.status === s).length;
    return `${n} ${n === 1 ? STATUS_WORDS[s].one : STATUS_WORDS[s].many}`;
  }).join(' · ');
}

/** the margin while a node reboots, in words */
export function marginText(r: Pick<RebootAnswer, 'canReboot' | 'alreadyDown' | 'margin' | 'marginExact'>): string {
  if (!r.canReboot) return 'no margin: quorum is lost while it is down';
  if (r.margin === 0) return 'no margin: no other node may fail until it is back';
  return `${r.marginExact ? '' : 'at most '}${plural(r.margin, 'more node')} can fail until it is back`;
}

/** the HA guests line: only when the BFF says (absent or null: nothing) */
export function haGuestsText(r: Pick<RebootAnswer, 'haGuests'>): string | null {
  if (!Array.isArray(r.haGuests)) return null;
  return r.haGuests.length ? `HA guests that would move: ${r.haGuests.join(', ')}` : 'No HA guest would move.';
}
