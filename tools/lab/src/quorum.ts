// votequorum options and weighted votes for the lab (`up --quorum ... --votes ...`). Pure: parsing and
// validation only, so every message can be unit-tested without root. What each option does: votequorum(5).
import { z } from 'zod';

/** The options as given (absent = not written into corosync.conf, i.e. votequorum's default). */
export const LabQuorumOptionsSchema = z
  .object({
    twoNode: z.boolean().optional(),
    waitForAll: z.boolean().optional(),
    autoTieBreaker: z.boolean().optional(),
    /** 'lowest' | 'highest' | node ids in priority order */
    autoTieBreakerNode: z.union([z.enum(['lowest', 'highest']), z.array(z.number().int().min(1)).min(1)]).optional(),
    lastManStanding: z.boolean().optional(),
    lastManStandingWindowMs: z.number().int().optional(),
  })
  .strict();
export type LabQuorumOptions = z.infer<typeof LabQuorumOptionsSchema>;

/** Thrown for a bad option or combination; the CLI exits 2 with the message. */
export class QuorumOptionError extends Error {
  override readonly name = 'QuorumOptionError';
}

const BOOLEAN_OPTIONS = {
  two_node: 'twoNode',
  wait_for_all: 'waitForAll',
  auto_tie_breaker: 'autoTieBreaker',
  last_man_standing: 'lastManStanding',
} as const;

export const QUORUM_OPTION_NAMES = [...Object.keys(BOOLEAN_OPTIONS), 'auto_tie_breaker_node', 'last_man_standing_window'] as const;

export const LMS_WINDOW_MIN_MS = 1_000;
export const LMS_WINDOW_MAX_MS = 3_600_000;
export const MAX_VOTES = 99;

/** "pve3" or "3" -> 3 (range is checked by the caller, which knows the node count) */
function nodeRef(text: string, what: string): number {
  const m = /^(?:pve)?(\d{1,3})$/.exec(text.trim());
  if (!m) throw new QuorumOptionError(`${what}: ${JSON.stringify(text)} is not a node (pve2 or 2)`);
  return Number(m[1]);
}

function bool(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '1') return true;
  if (value === '0') return false;
  throw new QuorumOptionError(`--quorum ${name}=${value}: use ${name} (or ${name}=1) to turn it on, ${name}=0 to turn it off`);
}

/**
 * `two_node`, `wait_for_all=0`, `auto_tie_breaker,auto_tie_breaker_node=highest`,
 * `auto_tie_breaker_node=3+1` (node ids in priority order, `+` or space separated),
 * `last_man_standing,last_man_standing_window=5000`. Each option at most once.
 */
export function parseQuorumOptions(text: string): LabQuorumOptions {
  const out: LabQuorumOptions = {};
  const seen = new Set<string>();
  const items = text.split(',').map((s) => s.trim());
  if (items.every((s) => s === '')) throw new QuorumOptionError(`--quorum needs at least one option (${QUORUM_OPTION_NAMES.join(', ')})`);
  for (const item of items) {
    if (item === '') throw new QuorumOptionError(`--quorum ${JSON.stringify(text)}: empty option between commas`);
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : item.slice(0, eq)).trim();
    const value = eq < 0 ? undefined : item.slice(eq + 1).trim();
    if (seen.has(name)) throw new QuorumOptionError(`--quorum: ${name} given twice`);
    seen.add(name);
    if (name in BOOLEAN_OPTIONS) {
      out[BOOLEAN_OPTIONS[name as keyof typeof BOOLEAN_OPTIONS]] = bool(name, value);
    } else if (name === 'auto_tie_breaker_node') {
      if (value === undefined || value === '') throw new QuorumOptionError('--quorum auto_tie_breaker_node needs a value: lowest, highest or node ids (e.g. 3+1)');
      if (value === 'lowest' || value === 'highest') out.autoTieBreakerNode = value;
      else {
        const ids = value.split(/[+\s]+/).filter((s) => s !== '').map((s) => nodeRef(s, '--quorum auto_tie_breaker_node'));
        if (new Set(ids).size !== ids.length) throw new QuorumOptionError(`--quorum auto_tie_breaker_node=${value}: a node is listed twice`);
        out.autoTieBreakerNode = ids;
      }
    } else if (name === 'last_man_standing_window') {
      if (value === undefined || !/^\d+$/.test(value)) throw new QuorumOptionError('--quorum last_man_standing_window needs a number of milliseconds (e.g. last_man_standing_window=5000)');
      out.lastManStandingWindowMs = Number(value);
    } else {
      throw new QuorumOptionError(`--quorum: unknown option ${JSON.stringify(name)} (known: ${QUORUM_OPTION_NAMES.join(', ')})`);
    }
  }
  return out;
}

/** `pve3=2,pve1=1` -> {3: 2, 1: 1} (node ids; range checked by validateQuorum) */
export function parseVotes(text: string): Record<number, number> {
  const out: Record<number, number> = {};
  const items = text.split(',').map((s) => s.trim());
  if (items.every((s) => s === '')) throw new QuorumOptionError('--votes needs NODE=VOTES pairs, e.g. --votes pve3=2');
  for (const item of items) {
    const m = /^([^=]+)=(\d+)$/.exec(item);
    if (!m || m[1] === undefined || m[2] === undefined) throw new QuorumOptionError(`--votes: ${JSON.stringify(item)} is not NODE=VOTES (e.g. pve3=2)`);
    const id = nodeRef(m[1], '--votes');
    if (id in out) throw new QuorumOptionError(`--votes: pve${id} given twice`);
    out[id] = Number(m[2]);
  }
  return out;
}

/**
 * Checks the options against the lab's size and votes; returns the votes of nodes 1..n (index 0 = node 1).
 * Refuses what votequorum would refuse or silently ignore, with the reason.
 */
export function validateQuorum(nodes: number, options: LabQuorumOptions, votesIn: Record<number, number> = {}): number[] {
  LabQuorumOptionsSchema.parse(options);
  for (const [idText, v] of Object.entries(votesIn)) {
    const id = Number(idText);
    if (!Number.isInteger(id) || id < 1 || id > nodes) throw new QuorumOptionError(`--votes: no node pve${idText} in a ${nodes}-node lab (pve1..pve${nodes})`);
    if (!Number.isInteger(v) || v < 1 || v > MAX_VOTES) throw new QuorumOptionError(`--votes pve${id}=${v}: votes must be 1..${MAX_VOTES}`);
  }
  const votes = Array.from({ length: nodes }, (_, k) => votesIn[k + 1] ?? 1);
  const weighted = votes.some((v) => v !== 1);
  if (options.twoNode) {
    if (nodes !== 2) {
      throw new QuorumOptionError(`--quorum two_node needs exactly 2 nodes (--nodes 2), this lab would have ${nodes}: votequorum only applies two_node to a 2-node cluster`);
    }
    if (weighted) throw new QuorumOptionError('--quorum two_node needs one vote per node (expected votes 2), drop --votes');
  }
  if (options.autoTieBreakerNode !== undefined && options.autoTieBreaker !== true) {
    throw new QuorumOptionError('--quorum auto_tie_breaker_node needs auto_tie_breaker as well (e.g. --quorum auto_tie_breaker,auto_tie_breaker_node=highest)');
  }
  if (Array.isArray(options.autoTieBreakerNode)) {
    const bad = options.autoTieBreakerNode.filter((id) => id < 1 || id > nodes);
    if (bad.length > 0) throw new QuorumOptionError(`--quorum auto_tie_breaker_node: no node ${bad.map((id) => `pve${id}`).join(', ')} in a ${nodes}-node lab (pve1..pve${nodes})`);
  }
  if (options.lastManStandingWindowMs !== undefined) {
    if (options.lastManStanding !== true) {
      throw new QuorumOptionError('--quorum last_man_standing_window needs last_man_standing as well (e.g. --quorum last_man_standing,last_man_standing_window=5000)');
    }
    const w = options.lastManStandingWindowMs;
    if (w < LMS_WINDOW_MIN_MS || w > LMS_WINDOW_MAX_MS) throw new QuorumOptionError(`--quorum last_man_standing_window must be ${LMS_WINDOW_MIN_MS}..${LMS_WINDOW_MAX_MS} ms, got ${w}`);
  }
  if (options.lastManStanding && weighted) {
    throw new QuorumOptionError('--quorum last_man_standing needs one vote per node (votequorum(5): LMS does not work with asymmetric voting), drop --votes');
  }
  return votes;
}

/** The `quorum {}` lines for corosync.conf (after `provider:`), in votequorum(5)'s names. */
export function quorumConfLines(o: LabQuorumOptions): string[] {
  const lines: string[] = [];
  const b = (v: boolean) => (v ? '1' : '0');
  if (o.twoNode !== undefined) lines.push(`two_node: ${b(o.twoNode)}`);
  if (o.waitForAll !== undefined) lines.push(`wait_for_all: ${b(o.waitForAll)}`);
  if (o.autoTieBreaker !== undefined) lines.push(`auto_tie_breaker: ${b(o.autoTieBreaker)}`);
  if (o.autoTieBreakerNode !== undefined) {
    lines.push(`auto_tie_breaker_node: ${Array.isArray(o.autoTieBreakerNode) ? o.autoTieBreakerNode.join(' ') : o.autoTieBreakerNode}`);
  }
  if (o.lastManStanding !== undefined) lines.push(`last_man_standing: ${b(o.lastManStanding)}`);
  if (o.lastManStandingWindowMs !== undefined) lines.push(`last_man_standing_window: ${o.lastManStandingWindowMs}`);
  return lines;
}

/** One line for `up` and `status`: `two_node, wait_for_all=0` or `defaults` */
export function describeQuorum(o: LabQuorumOptions, votes: readonly number[]): string {
  const parts = quorumConfLines(o).map((l) => l.replace(/: 1$/, '').replace(/: /, '='));
  const opts = parts.length === 0 ? 'votequorum defaults' : parts.join(', ');
  const weighted = votes.some((v) => v !== 1) ? `; votes ${votes.map((v, k) => `pve${k + 1}=${v}`).join(',')}` : '';
  return `${opts}${weighted} (expected votes ${votes.reduce((a, v) => a + v, 0)})`;
}
