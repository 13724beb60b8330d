// Link degradation: thresholds per cluster and a tracker that turns snapshots into link-degraded /
// link-recovered events with hysteresis, per node pair (a < b) and link.
//
// Hysteresis in value and in time (a Schmitt trigger that must hold):
// - a sample is bad above badLatencyMs or above lossPct; good at or under warnLatencyMs with loss at or
//   under half of lossPct; in between otherwise;
// - degraded: a bad sample at least sustainMs after the bad spell began, with no good sample since (in-between
//   samples neither break nor prove a spell: a link hovering around the bad mark is degraded once);
// - recovered: a good sample at least recoverMs after the good spell began, every sample since good.
// So a value flapping around badLatencyMs raises one link-degraded and nothing more until the link has been
// at or under warnLatencyMs for recoverMs; after a recovery the next degraded needs another sustainMs.
// A disconnected link is never degraded (link-down says it): it breaks a bad spell and a good one.
import { z } from 'zod';
import { describeEvent } from './describe';
import { eventSeverity } from './diff';
import type { EventBody, EventDraft } from './events';
import type { ClusterSnapshot } from './snapshot';

export * from './link-series';

const ms = (max: number) => z.number().min(0).max(max);

const thresholdFields = {
  /** above this the link is worth a look (the matrix tints it); a degraded link recovers only at or under it */
  warnLatencyMs: ms(10_000),
  /** above this for sustainMs: degraded (cause 'latency') */
  badLatencyMs: ms(10_000),
  /** loss above this (%) for sustainMs: degraded (cause 'loss'); recovery needs loss at or under half of it */
  lossPct: z.number().min(0).max(100),
  /** how long a link must be bad before it is degraded */
  sustainMs: ms(3_600_000),
  /** how long a degraded link must be good before it has recovered */
  recoverMs: ms(3_600_000),
};

const warnNotAboveBad = (t: { warnLatencyMs: number; badLatencyMs: number }) => t.warnLatencyMs <= t.badLatencyMs;
const warnRule = { message: 'warnLatencyMs must not be above badLatencyMs', path: ['warnLatencyMs'] };

export const LinkThresholds = z.object(thresholdFields).strict().refine(warnNotAboveBad, warnRule);
export type LinkThresholds = z.infer<typeof LinkThresholds>;

/**
 * Proxmox VE's guidance for Corosync: under 5 ms is fine, above 10 ms is trouble, and it wants no loss.
 * - lossPct 1: "any sustained loss" — sustainMs is what makes loss sustained; the 1 % mark only keeps out
 *   a figure that is not loss at all (rounding, a pong counted a poll late) while one packet in a hundred
 *   already is real loss for Corosync's token.
 * - sustainMs 10 s: longer than a token timeout (3–4 s), so a spike or one slow token round is not an
 *   incident, short enough that a real problem shows within seconds of the matrix turning red.
 * - recoverMs 30 s: three times as long, so a link that is bad on and off stays one incident.
 */
export const defaultLinkThresholds: LinkThresholds = { warnLatencyMs: 5, badLatencyMs: 10, lossPct: 1, sustainMs: 10_000, recoverMs: 30_000 };

/** PUT /api/v1/settings/links?cluster=ID (admin): any subset; the rest is kept */
export const LinkThresholdsUpdate = z.object(thresholdFields).partial().strict();
export type LinkThresholdsUpdate = z.infer<typeof LinkThresholdsUpdate>;

/** GET/PUT /api/v1/settings/links?cluster=ID */
export const LinkSettings = z.object({
  clusterId: z.string(),
  thresholds: LinkThresholds,
  /** the defaults, for a "reset" (DELETE /api/v1/settings/links?cluster=ID goes back to them) */
  defaults: LinkThresholds,
});
export type LinkSettings = z.infer<typeof LinkSettings>;

/** current thresholds with an update applied; throws ZodError when the result is inconsistent */
export function applyThresholdsUpdate(current: LinkThresholds, update: LinkThresholdsUpdate): LinkThresholds {
  const defined = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined));
  return LinkThresholds.parse({ ...current, ...defined });
}

// ---------------------------------------------------------------- samples per pair

/** One node pair and link (a < b) at one instant: the worse of the two directions. */
export interface PairLinkSample {
  a: number;
  b: number;
  link: number;
  /** false when either direction reports the link disconnected */
  connected: boolean;
  /** the higher of the two directions' average latency; null when disconnected or unknown */
  latencyMs: number | null;
  /** the higher of the two directions' latencyMaxMs */
  maxMs: number | null;
  /** the higher of the two directions' loss */
  lossPct: number | null;
}

/** a number per pair and link: a < b ≤ 65535, link ≤ 7 (exact in a double) */
export function pairLinkKey(a: number, b: number, link: number): number {
  return (a * 65536 + b) * 8 + link;
}

const worse = (x: number | null, y: number | null): number | null => (x === null ? y : y === null ? x : Math.max(x, y));

/** the snapshot's link observations folded per pair and link, ordered by (a, b, link) */
export function pairLinkSamples(snapshot: ClusterSnapshot): PairLinkSample[] {
  const byKey = new Map<number, PairLinkSample>();
  for (const o of snapshot.links) {
    if (o.from === o.to) continue;
    const a = Math.min(o.from, o.to);
    const b = Math.max(o.from, o.to);
    const key = pairLinkKey(a, b, o.link);
    const s = byKey.get(key);
    if (!s) {
      byKey.set(key, { a, b, link: o.link, connected: o.connected, latencyMs: o.latencyAvgMs, maxMs: o.latencyMaxMs, lossPct: o.lossPct });
      continue;
    }
    s.connected &&= o.connected;
    s.latencyMs = worse(s.latencyMs, o.latencyAvgMs);
    s.maxMs = worse(s.maxMs, o.latencyMaxMs);
    s.lossPct = worse(s.lossPct, o.lossPct);
  }
  const out = [...byKey.entries()].sort((x, y) => x[0] - y[0]).map(([, s]) => s);
  // a disconnected link has no figures worth keeping (knet's last ones are stale)
  for (const s of out) if (!s.connected) s.latencyMs = s.maxMs = s.lossPct = null;
  return out;
}

// ---------------------------------------------------------------- the tracker

export type LinkVerdict = 'bad' | 'between' | 'good' | 'unknown' | 'down';

export function linkVerdict(s: Pick<PairLinkSample, 'connected' | 'latencyMs' | 'lossPct'>, t: LinkThresholds): LinkVerdict {
  if (!s.connected) return 'down';
  const { latencyMs: lat, lossPct: loss } = s;
  if (lat === null && loss === null) return 'unknown';
  if ((lat !== null && lat > t.badLatencyMs) || (loss !== null && loss > t.lossPct)) return 'bad';
  if ((lat === null || lat <= t.warnLatencyMs) && (loss === null || loss <= t.lossPct / 2)) return 'good';
  return 'between';
}

/** what survives a restart: the links that are degraded (so the next start neither repeats nor loses them) */
export const LinkHealthState = z.object({
  degraded: z.array(z.object({ a: z.number().int(), b: z.number().int(), link: z.number().int(), since: z.number() })).max(65_536),
});
export type LinkHealthState = z.infer<typeof LinkHealthState>;

interface Entry {
  a: number;
  b: number;
  link: number;
  degraded: boolean;
  /** ok: when the bad spell began; degraded: when the good spell began (null: none running) */
  since: number | null;
  /** when it became degraded */
  degradedAt: number;
  /** last observed (null: restored, not seen yet) */
  seenAt: number | null;
}

/** an entry not observed for this long is forgotten (a node removed from the cluster): memory stays bounded */
const FORGET_MS = 3_600_000;

/**
 * Fed with every snapshot of one cluster (observe), in time order. Memory: one small entry per pair and
 * link that is degraded or in a bad spell, and only while it is observed (at most pairs × links).
 */
export class LinkHealthTracker {
  private readonly entries = new Map<number, Entry>();
  /** the entries as they were before the last observe changed their state, for revert() */
  private undo: Array<[number, Entry | undefined]> = [];

  constructor(private current: LinkThresholds = defaultLinkThresholds) {}

  get thresholds(): LinkThresholds {
    return this.current;
  }

  /** new thresholds apply from the next observation; running spells and degraded links are kept */
  setThresholds(t: LinkThresholds): void {
    this.current = LinkThresholds.parse(t);
  }

  /** the events this snapshot raises; now is when it was observed (snapshot.observedAt: the source's clock) */
  observe(snapshot: ClusterSnapshot, now: number = snapshot.observedAt): EventDraft[] {
    this.undo = [];
    const t = this.current;
    const bodies: EventBody[] = [];
    let names: Map<number, string> | null = null;
    const nameOf = (id: number): string => {
      names ??= new Map(snapshot.nodes.map((n) => [n.id, n.name]));
      return names.get(id) ?? `node ${id}`;
    };
    const ref = (s: PairLinkSample) => ({ from: s.a, to: s.b, link: s.link, fromName: nameOf(s.a), toName: nameOf(s.b), latencyMs: s.latencyMs, lossPct: s.lossPct });

    for (const s of pairLinkSamples(snapshot)) {
      const key = pairLinkKey(s.a, s.b, s.link);
      const e = this.entries.get(key);
      const verdict = linkVerdict(s, t);
      if (e) e.seenAt = now;
      if (!e || !e.degraded) {
        if (verdict === 'good' || verdict === 'down') {
          if (e) this.change(key, e, null);
          continue;
        }
        if (verdict !== 'bad') continue; // in between, unknown: the spell (if any) goes on
        const since = e?.since ?? now;
        if (now - since >= t.sustainMs) {
          this.change(key, e, { a: s.a, b: s.b, link: s.link, degraded: true, since: null, degradedAt: now, seenAt: now });
          const cause = s.latencyMs !== null && s.latencyMs > t.badLatencyMs ? 'latency' : 'loss';
          bodies.push({ type: 'link-degraded', ...ref(s), cause });
        } else if (!e) {
          this.change(key, e, { a: s.a, b: s.b, link: s.link, degraded: false, since, degradedAt: 0, seenAt: now });
        }
        continue;
      }
      // degraded
      if (verdict === 'unknown') continue;
      if (verdict !== 'good') {
        if (e.since !== null) this.change(key, e, { ...e, since: null });
        continue;
      }
      const since = e.since ?? now;
      if (now - since >= t.recoverMs) {
        this.change(key, e, null);
        bodies.push({ type: 'link-recovered', ...ref(s) });
      } else if (e.since === null) this.change(key, e, { ...e, since });
    }

    for (const [key, e] of this.entries) {
      e.seenAt ??= now;
      if (now - e.seenAt > FORGET_MS) this.change(key, e, null);
    }
    return bodies.map((body) => ({ at: now, severity: eventSeverity(body), message: describeEvent(body), body }));
  }

  /** undo what the last observe changed: its events could not be stored, so the next observation raises them again */
  revert(): void {
    for (const [key, before] of this.undo.reverse()) {
      if (before) this.entries.set(key, before);
      else this.entries.delete(key);
    }
    this.undo = [];
  }

  /** is this pair-link degraded now? */
  isDegraded(a: number, b: number, link: number): boolean {
    return this.entries.get(pairLinkKey(Math.min(a, b), Math.max(a, b), link))?.degraded ?? false;
  }

  /** entries held (degraded or in a bad spell) */
  get size(): number {
    return this.entries.size;
  }

  exportState(): LinkHealthState {
    const degraded = [...this.entries.values()].filter((e) => e.degraded).map((e) => ({ a: e.a, b: e.b, link: e.link, since: e.degradedAt }));
    return { degraded };
  }

  /** the degraded links of a previous run: they stay degraded until they recover (no second link-degraded) */
  restore(state: LinkHealthState): void {
    for (const d of state.degraded) {
      const key = pairLinkKey(d.a, d.b, d.link);
      if (this.entries.get(key)?.degraded) continue;
      this.entries.set(key, { a: d.a, b: d.b, link: d.link, degraded: true, since: null, degradedAt: d.since, seenAt: null });
    }
  }

  private change(key: number, before: Entry | undefined, after: Entry | null): void {
    this.undo.push([key, before ? { ...before } : undefined]);
    if (after) this.entries.set(key, after);
    else this.entries.delete(key);
  }
}
