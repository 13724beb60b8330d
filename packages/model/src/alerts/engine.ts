// The alert engine (pure: time comes in, decisions go out; the BFF sends and logs them). Per channel: one
// message when an alert opens and one when it closes (with its duration); link alerts held LINK_HOLD_MS
// (a blip that heals sooner is not worth a page); a subject that opens flapCount times within flapWindowS is
// "flapping": one message, then quiet until it settles, then one message saying how it settled; reminders
// every repeatMinutes while open and unacknowledged; a silence (or maintenance window) sends nothing and the
// decision says why. Bounds: MAX_ALERTS open alerts, MAX_FLAP_MARKS changes kept per subject.
import type { ClusterEvent } from '../events';
import type { IncidentChange } from '../incidents';
import type { QDevice } from '../snapshot';
import { alertOfIncident, type Alert } from './alert';
import type { Notification } from './notification';
import { type RuleId, type RuleSettings } from './rules';
import { notificationOf, type Worded } from './wording';

export interface EngineChannel {
  id: string;
  rules?: RuleSettings | undefined;
  clusters?: string[] | null | undefined;
  repeatMinutes: number;
  enabled: boolean;
}

/** a silence: nothing for this cluster and/or rule (null: any) from startsAt to endsAt (a maintenance window) */
export interface Silence {
  id: string;
  clusterId: string | null;
  rule: RuleId | null;
  startsAt: number;
  endsAt: number;
  reason: string;
}

/** send it, or not and why (silenced, held, damped): every decision goes to the delivery log */
export interface Decision {
  channelId: string;
  notification: Notification;
  send: boolean;
  reason: string | null;
}

export interface EngineEnv {
  channels(): readonly EngineChannel[];
  silences(): readonly Silence[];
  /** an acknowledged alert gets no reminders */
  acked(key: string): boolean;
  clusterName(clusterId: string): string | null;
  url(alert: Alert): string | null;
}

export const LINK_HOLD_MS = 15_000;
export const DEFAULT_FLAP = { count: 3, windowS: 60 } as const;
export const DEFAULT_STORAGE_FULL_PCT = 90;
export const DEFAULT_SOURCE_DOWN_S = 60;
/** a storage alert closes only once it is this many points below its threshold (no message per percent) */
export const STORAGE_HYSTERESIS_PCT = 2;
export const MAX_ALERTS = 5_000;
export const MAX_FLAP_MARKS = 100;

interface ChannelState {
  sent: boolean;
  holdUntil: number | null;
  damped: boolean;
  lastSentAt: number;
  reminders: number;
}

interface Damp {
  changes: number;
  lastChange: number;
  alert: Alert;
  windowS: number;
}

const ruleOn = (c: EngineChannel, rule: RuleId): boolean => c.rules?.[rule]?.on !== false;
const flapOf = (c: EngineChannel) => ({ count: c.rules?.['link-degraded']?.flapCount ?? DEFAULT_FLAP.count, windowS: c.rules?.['link-degraded']?.flapWindowS ?? DEFAULT_FLAP.windowS });
export const storageFullPct = (c: EngineChannel): number => c.rules?.storage?.fullPct ?? DEFAULT_STORAGE_FULL_PCT;

function holdMs(c: EngineChannel, rule: RuleId): number {
  if (rule === 'link-degraded') return LINK_HOLD_MS;
  if (rule === 'source-down') return (c.rules?.['source-down']?.afterS ?? DEFAULT_SOURCE_DOWN_S) * 1000;
  return 0;
}

export class AlertEngine {
  private readonly alerts = new Map<string, Alert>();
  private readonly states = new Map<string, Map<string, ChannelState>>();
  private readonly flaps = new Map<string, number[]>();
  private readonly damped = new Map<string, Damp>();

  constructor(private readonly env: EngineEnv) {}

  /** the open alerts (the page's "what is alerting now") */
  open(): Alert[] {
    return [...this.alerts.values()].filter((a) => a.endedAt === null);
  }

  /**
   * at start: alerts open before a restart (incidents restored from the stored events) — they were told of
   * then, so no message now; their close will be sent
   */
  restore(a: Alert, now: number): void {
    if (this.alerts.has(a.key) || this.alerts.size >= MAX_ALERTS) return;
    this.alerts.set(a.key, a);
    for (const c of this.env.channels()) if (this.applies(c, a)) this.stateOf(c.id).set(a.key, { ...fresh(), sent: true, lastSentAt: now });
  }

  incident(change: IncidentChange, now: number): Decision[] {
    const a = alertOfIncident(change.incident);
    if (!a) return [];
    const prev = this.alerts.get(a.key);
    const out: Decision[] = [];
    if (change.change === 'closed') {
      // opened and closed within one batch: it still opened (a held link blip stays quiet)
      if (!prev || prev.endedAt !== null) out.push(...this.opened({ ...a, endedAt: null }, now));
      out.push(...this.closed(a, now));
      return out;
    }
    if (!prev || prev.endedAt !== null) return this.opened(a, now);
    // the same incident under another rule (an early warning, then the node gone): one incident, one message —
    // only a channel not told yet (its early-warning rule off) hears of it now
    if (prev.rule !== a.rule) return this.opened(a, now, (c) => !this.states.get(c.id)?.has(a.key));
    this.alerts.set(a.key, a);
    return out;
  }

  /** the source's health: down (not ok) opens "cannot be observed", held per channel's afterS; ok closes it */
  sourceHealth(clusterId: string, ok: boolean, message: string | null, now: number): Decision[] {
    const key = `${clusterId}:source`;
    const prev = this.alerts.get(key);
    if (!ok && (!prev || prev.endedAt !== null)) {
      return this.opened({ key, clusterId, rule: 'source-down', subject: 'source', title: `the cluster cannot be observed${message ? `: ${message}` : ''}`, severity: 'critical', startedAt: now, endedAt: null, incidentId: null }, now);
    }
    if (ok && prev && prev.endedAt === null) return this.closed({ ...prev, endedAt: now }, now);
    return [];
  }

  /** storage use per storage (shared ones once): above a channel's fullPct opens, 2 points below closes */
  storageUse(clusterId: string, storages: readonly { id: string; usedPct: number | null }[], now: number): Decision[] {
    const out: Decision[] = [];
    const thresholds = new Set(this.env.channels().filter((c) => ruleOn(c, 'storage')).map(storageFullPct));
    for (const pct of thresholds) {
      const only = (c: EngineChannel) => storageFullPct(c) === pct;
      for (const s of storages) {
        const key = `${clusterId}:storage-full:${s.id}@${pct}`;
        const prev = this.alerts.get(key);
        const isOpen = prev !== undefined && prev.endedAt === null;
        if (s.usedPct === null) continue;
        if (!isOpen && s.usedPct >= pct)
          out.push(...this.opened({ key, clusterId, rule: 'storage', subject: `${s.id} full`, title: `storage ${s.id} is ${Math.round(s.usedPct)} % full (threshold ${pct} %)`, severity: 'warning', startedAt: now, endedAt: null, incidentId: null }, now, only));
        else if (isOpen && s.usedPct < pct - STORAGE_HYSTERESIS_PCT) out.push(...this.closed({ ...prev, endedAt: now }, now));
      }
    }
    return out;
  }

  /**
   * the QDevice (no incident covers it): configured but not connected, or its vote not counted, opens "QDevice
   * lost"; connected with its vote closes it; no QDevice (removed) closes it too
   */
  qdevice(clusterId: string, q: Pick<QDevice, 'state' | 'castsVote' | 'host' | 'votes'> | null, now: number): Decision[] {
    const key = `${clusterId}:qdevice`;
    const prev = this.alerts.get(key);
    const isOpen = prev !== undefined && prev.endedAt === null;
    const lost = q !== null && (q.state !== 'connected' || !q.castsVote);
    if (lost && !isOpen) {
      const why = q.state !== 'connected' ? `its state is ${q.state}` : 'its vote is not counted';
      return this.opened({ key, clusterId, rule: 'qdevice-lost', subject: 'qdevice', title: `QDevice${q.host ? ` ${q.host}` : ''} lost: ${why}`, severity: 'critical', startedAt: now, endedAt: null, incidentId: null }, now);
    }
    if (!lost && isOpen) return this.closed({ ...prev, endedAt: now }, now);
    return [];
  }

  /** HA errors (pve): an event, not an incident — ha-error opens, ha-error-cleared closes */
  event(e: ClusterEvent, now: number): Decision[] {
    const b = e.body;
    if (b.type !== 'ha-error' && b.type !== 'ha-error-cleared') return [];
    const key = `${e.clusterId}:ha:${b.sid}`;
    const prev = this.alerts.get(key);
    if (b.type === 'ha-error' && (!prev || prev.endedAt !== null))
      return this.opened({ key, clusterId: e.clusterId, rule: 'ha-error', subject: b.sid, title: `HA: ${b.sid}${b.node ? ` on ${b.node}` : ''} is in state ${b.state}`, severity: 'critical', startedAt: e.at, endedAt: null, incidentId: null }, now);
    if (b.type === 'ha-error-cleared' && prev && prev.endedAt === null) return this.closed({ ...prev, endedAt: e.at }, now);
    return [];
  }

  /** held messages now due, flapping subjects that settled, reminders */
  tick(now: number): Decision[] {
    const out: Decision[] = [];
    const channels = new Map(this.env.channels().map((c) => [c.id, c]));
    for (const [cid, states] of this.states) {
      const c = channels.get(cid);
      if (!c) {
        this.states.delete(cid);
        continue;
      }
      for (const [key, st] of states) {
        const a = this.alerts.get(key);
        if (!a || a.endedAt !== null) continue;
        if (st.holdUntil !== null && st.holdUntil <= now) {
          st.holdUntil = null;
          out.push(this.emit(c, st, { alert: a, kind: 'opened', at: now }, now));
        } else if (st.sent && c.repeatMinutes > 0 && !this.env.acked(key) && now - st.lastSentAt >= c.repeatMinutes * 60_000) {
          st.reminders++;
          out.push(this.emit(c, st, { alert: a, kind: 'reminder', at: now, reminder: st.reminders }, now));
        }
      }
    }
    for (const [subj, d] of this.damped) {
      if (now - d.lastChange < d.windowS * 1000) continue;
      this.damped.delete(subj);
      const c = channels.get(subj.slice(0, subj.indexOf('|')));
      if (!c) continue;
      const st = this.states.get(c.id)?.get(d.alert.key);
      if (d.alert.endedAt !== null) out.push(this.emit(c, st ?? fresh(), { alert: d.alert, kind: 'closed', at: now, flapping: { changes: d.changes, windowS: d.windowS } }, now));
      else if (st) {
        // settled open: the flapping message told of it, so its close will be sent
        st.damped = false;
        st.sent = true;
      }
    }
    for (const [key, a] of this.alerts) if (a.endedAt !== null && !this.held(key)) this.alerts.delete(key);
    return out;
  }

  // ------------------------------------------------------------------ opening and closing

  private opened(a: Alert, now: number, only: (c: EngineChannel) => boolean = () => true): Decision[] {
    if (!this.alerts.has(a.key) && this.alerts.size >= MAX_ALERTS) return [];
    this.alerts.set(a.key, a);
    const out: Decision[] = [];
    for (const c of this.env.channels()) {
      if (!this.applies(c, a) || !only(c)) continue;
      const st = fresh();
      this.stateOf(c.id).set(a.key, st);
      const subj = `${c.id}|${a.clusterId}|${a.rule}|${a.subject}`;
      const flap = flapOf(c);
      const marks = (this.flaps.get(subj) ?? []).filter((t) => now - t < flap.windowS * 1000);
      marks.push(now);
      this.flaps.set(subj, marks.slice(-MAX_FLAP_MARKS));
      const damp = this.damped.get(subj);
      if (damp) {
        damp.changes++;
        damp.lastChange = now;
        damp.alert = a;
        st.damped = true;
        out.push(this.quiet(c, { alert: a, kind: 'opened', at: now }, `damped: ${a.subject} is flapping (${damp.changes} changes); one message when it settles`));
      } else if (marks.length >= flap.count) {
        this.damped.set(subj, { changes: marks.length * 2 - 1, lastChange: now, alert: a, windowS: flap.windowS });
        st.damped = true;
        out.push(this.emit(c, st, { alert: a, kind: 'opened', at: now, flapping: { changes: marks.length * 2 - 1, windowS: flap.windowS } }, now));
      } else {
        const hold = holdMs(c, a.rule);
        if (hold > 0) st.holdUntil = now + hold;
        else out.push(this.emit(c, st, { alert: a, kind: 'opened', at: now }, now));
      }
    }
    return out;
  }

  private closed(a: Alert, now: number): Decision[] {
    this.alerts.set(a.key, a);
    const out: Decision[] = [];
    const channels = new Map(this.env.channels().map((c) => [c.id, c]));
    for (const [cid, states] of this.states) {
      const st = states.get(a.key);
      const c = channels.get(cid);
      if (!st || !c) continue;
      states.delete(a.key);
      const damp = this.damped.get(`${c.id}|${a.clusterId}|${a.rule}|${a.subject}`);
      if (st.damped && damp) {
        damp.changes++;
        damp.lastChange = now;
        damp.alert = a;
        out.push(this.quiet(c, { alert: a, kind: 'closed', at: now }, `damped: ${a.subject} is flapping (${damp.changes} changes); one message when it settles`));
      } else if (st.holdUntil !== null) {
        out.push(this.quiet(c, { alert: a, kind: 'closed', at: now }, `held: resolved within ${Math.round(holdMs(c, a.rule) / 1000)} s of opening, so neither message was sent`));
      } else if (st.sent) out.push(this.emit(c, st, { alert: a, kind: 'closed', at: now }, now));
    }
    return out;
  }

  // ------------------------------------------------------------------ helpers

  private applies(c: EngineChannel, a: Alert): boolean {
    return c.enabled && (c.clusters == null || c.clusters.includes(a.clusterId)) && ruleOn(c, a.rule);
  }

  private emit(c: EngineChannel, st: ChannelState, w: Omit<Worded, 'clusterName' | 'url'>, now: number): Decision {
    const n = this.word(w);
    const silence = this.env.silences().find((s) => s.startsAt <= now && now < s.endsAt && (s.clusterId === null || s.clusterId === w.alert.clusterId) && (s.rule === null || s.rule === w.alert.rule));
    if (silence) return { channelId: c.id, notification: n, send: false, reason: `silenced until ${new Date(silence.endsAt).toISOString()}: ${silence.reason}` };
    st.sent = true;
    st.lastSentAt = now;
    return { channelId: c.id, notification: n, send: true, reason: null };
  }

  private quiet(c: EngineChannel, w: Omit<Worded, 'clusterName' | 'url'>, reason: string): Decision {
    return { channelId: c.id, notification: this.word(w), send: false, reason };
  }

  private word(w: Omit<Worded, 'clusterName' | 'url'>): Notification {
    return notificationOf({ ...w, clusterName: this.env.clusterName(w.alert.clusterId), url: this.env.url(w.alert) });
  }

  private stateOf(channelId: string): Map<string, ChannelState> {
    let m = this.states.get(channelId);
    if (!m) this.states.set(channelId, (m = new Map()));
    return m;
  }

  /** a closed alert some channel still holds state or a damping record for */
  private held(key: string): boolean {
    for (const s of this.states.values()) if (s.has(key)) return true;
    for (const d of this.damped.values()) if (d.alert.key === key) return true;
    return false;
  }
}

const fresh = (): ChannelState => ({ sent: false, holdUntil: null, damped: false, lastSentAt: 0, reminders: 0 });
