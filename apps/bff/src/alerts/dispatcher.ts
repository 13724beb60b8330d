// Alerting in the BFF: the model's AlertEngine fed from the incidents (one cause, one incident), the
// collectors' events (HA errors), their health (source down) and snapshots (storage use, the QDevice), ticked every
// TICK_MS; each decision sent (with retries, then the channel's fallback) or recorded as suppressed, and
// every outcome written to the delivery log. Alerting depends on nothing the watched cluster provides.
// The engine asks for channels, silences and acknowledgements synchronously: they are kept in memory, read
// at start, again after each change made here (channelsChanged, silencesChanged, acked) and every tick
// (silences, the open alerts' acknowledgements: changes made by another process).
import {
  AlertEngine,
  alertOfIncident,
  storageUse,
  testNotification,
  type Channel,
  type Decision,
  type Delivery,
  type Notification,
  type SendResult,
  type SilenceView,
} from '@quorate/model';
import type { Store } from '@quorate/store';
import type { Cluster, ClusterRegistry } from '../clusters';
import type { Incidents } from '../incidents';
import type { Logger } from '../logger';

export type SendFn = (channel: Pick<Channel, 'type' | 'config'>, n: Notification, opts: { timeoutMs: number }) => Promise<SendResult>;
export type DeliveredHook = (type: Channel['type'], result: 'ok' | 'failed' | 'suppressed') => void;

export const TICK_MS = 1_000;
/** waits before each attempt: at once, then after 2 s and 10 s (three attempts), then the fallback */
export const RETRY_DELAYS_MS = [0, 2_000, 10_000] as const;
export const SEND_TIMEOUT_MS = 10_000;
/** sends in flight at once; beyond, a decision is logged as failed (a flood is a bug, not a reason to queue forever) */
export const MAX_IN_FLIGHT = 64;

export interface DispatcherDeps {
  store: Store;
  clusters: ClusterRegistry;
  incidents: Incidents;
  logger: Logger;
  send: SendFn;
  delivered?: DeliveredHook;
  /** the dashboard's public address, for links in messages (QUORATE_PUBLIC_URL) */
  publicUrl?: string | null;
  now?: () => number;
  tickMs?: number;
  retryDelaysMs?: readonly number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class AlertDispatcher {
  private readonly engine: AlertEngine;
  private readonly now: () => number;
  private channelList: Channel[] = [];
  private silenceList: SilenceView[] = [];
  /** acknowledged alert keys (of the alerts open or restored) */
  private readonly ackedKeys = new Set<string>();
  /** the tick's reads of the store, one round at a time */
  private refreshing: Promise<void> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly unwire: (() => void)[] = [];
  private inFlight = 0;
  private readonly pending = new Set<Promise<void>>();
  private readonly log: Logger;

  constructor(private readonly d: DispatcherDeps) {
    this.now = d.now ?? Date.now;
    this.log = d.logger.child({ component: 'alerts' });
    this.engine = new AlertEngine({
      channels: () => this.channels(),
      silences: () => this.silences(),
      acked: (key) => this.ackedKeys.has(key),
      clusterName: (id) => d.clusters.get(id)?.config.name ?? null,
      url: (a) => (d.publicUrl ? `${d.publicUrl.replace(/\/$/, '')}/?cluster=${encodeURIComponent(a.clusterId)}${a.incidentId ? `#incident-${encodeURIComponent(a.incidentId)}` : ''}` : null),
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.channelsChanged(), this.silencesChanged()]);
    const now = this.now();
    // told before the restart: only their close goes out
    for (const i of this.d.incidents.allOpen()) {
      const a = alertOfIncident(i);
      if (a) this.engine.restore(a, now);
    }
    await this.readAcks();
    this.unwire.push(this.d.incidents.subscribe((change) => this.decide(this.engine.incident(change, this.now()))));
    for (const c of this.d.clusters.all()) this.watch(c);
    const onAdded = (c: Cluster) => this.watch(c);
    this.d.clusters.on('added', onAdded);
    this.unwire.push(() => this.d.clusters.off('added', onAdded));
    this.timer = setInterval(() => this.tick(), this.d.tickMs ?? TICK_MS);
    this.timer.unref?.();
  }

  /** stops deciding; what is being sent finishes (bounded by the retries) */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const u of this.unwire.splice(0)) u();
    await Promise.allSettled([...this.pending]);
  }

  /** after a channel was added, changed or removed: read again */
  async channelsChanged(): Promise<void> {
    this.channelList = await this.d.store.alerts.channels.list();
  }

  /** after a silence was added or removed: read again */
  async silencesChanged(): Promise<void> {
    this.silenceList = await this.d.store.alerts.silences.list();
  }

  /** after an alert was acknowledged here */
  acked(key: string): void {
    this.ackedKeys.add(key);
  }

  /** the acknowledgements of the alerts open now */
  private async readAcks(): Promise<void> {
    const open = this.engine.open().map((a) => a.key);
    const acks = await Promise.all(open.map((key) => this.d.store.alerts.acks.get(key)));
    open.forEach((key, i) => (acks[i] ? this.ackedKeys.add(key) : this.ackedKeys.delete(key)));
  }

  /** silences and acknowledgements made elsewhere (another process) count within a tick or two */
  private refresh(): void {
    this.refreshing ??= Promise.all([this.silencesChanged(), this.readAcks()])
      .then(
        () => undefined,
        (err: unknown) => this.log.error({ err }, 'could not read silences and acknowledgements'),
      )
      .finally(() => (this.refreshing = null));
  }

  /** the test button: one message to this channel now, logged like any other */
  async test(channel: Channel): Promise<Delivery> {
    const n = testNotification(channel.name, this.now(), this.d.publicUrl ?? null);
    return this.deliver(channel, n, null, [0]);
  }

  /** the alerts open now (the page's "alerting" list) */
  openAlerts() {
    return this.engine.open();
  }

  tick(): void {
    this.refresh();
    const now = this.now();
    for (const c of this.d.clusters.all()) {
      const h = c.feed.health();
      if (h.state !== 'starting') this.decide(this.engine.sourceHealth(c.config.id, h.state !== 'down', h.message, now));
    }
    this.decide(this.engine.tick(now));
  }

  private watch(c: Cluster): void {
    const id = c.config.id;
    const onEvent = (e: Parameters<AlertEngine['event']>[0]) => this.decide(this.engine.event(e, this.now()));
    const onSnapshot = () => {
      const s = c.feed.current()?.snapshot;
      if (!s) return;
      if (s.storage) this.decide(this.engine.storageUse(id, storageUse(s.storage), this.now()));
      this.decide(this.engine.qdevice(id, s.qdevice ?? null, this.now()));
    };
    const { feed } = c;
    feed.on('event', onEvent);
    feed.on('snapshot', onSnapshot);
    feed.on('patch', onSnapshot);
    this.unwire.push(() => {
      feed.off('event', onEvent);
      feed.off('snapshot', onSnapshot);
      feed.off('patch', onSnapshot);
    });
  }

  private channels(): Channel[] {
    return this.channelList;
  }

  private silences(): SilenceView[] {
    return this.silenceList;
  }

  /** what stop() waits for */
  private track(p: Promise<unknown>): void {
    const tracked = p.then(() => undefined, (err: unknown) => this.log.error({ err }, 'alert delivery failed unexpectedly')).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private decide(all: Decision[]): void {
    // every replica's engine follows every cluster (a new lease holder carries on from the same state), but
    // only the replica that runs a cluster tells anyone of it
    const decisions = all.filter((d) => {
      const id = d.notification.clusterId;
      const c = id === null ? undefined : this.d.clusters.get(id);
      return c === undefined || c.collector !== null;
    });
    // who gets each message itself: a fallback among them is not sent it twice
    const direct = new Map<string, Set<string>>();
    for (const x of decisions) if (x.send) direct.set(x.notification.id, (direct.get(x.notification.id) ?? new Set()).add(x.channelId));
    for (const dec of decisions) {
      const channel = this.channels().find((c) => c.id === dec.channelId);
      if (!channel) continue;
      if (!dec.send) {
        this.track(this.record(channel, dec.notification, { outcome: 'suppressed', status: null, detail: dec.reason ?? 'not sent', attempts: 0, fallbackOf: null }));
        continue;
      }
      const p = this.deliver(channel, dec.notification, null, this.d.retryDelaysMs ?? RETRY_DELAYS_MS).then(async (first) => {
        if (first.outcome !== 'failed' || !channel.fallback || direct.get(dec.notification.id)?.has(channel.fallback)) return;
        const fb = this.channels().find((c) => c.id === channel.fallback && c.enabled);
        if (fb) await this.deliver(fb, dec.notification, channel.id, this.d.retryDelaysMs ?? RETRY_DELAYS_MS);
      });
      this.track(p);
    }
  }

  private async deliver(channel: Channel, n: Notification, fallbackOf: string | null, delays: readonly number[]): Promise<Delivery> {
    if (this.inFlight >= MAX_IN_FLIGHT) return this.record(channel, n, { outcome: 'failed', status: null, detail: `not sent: ${MAX_IN_FLIGHT} deliveries already in flight`, attempts: 0, fallbackOf });
    this.inFlight++;
    let last: SendResult = { ok: false, status: null, detail: 'not attempted' };
    let attempts = 0;
    try {
      for (const wait of delays) {
        if (wait > 0) await sleep(wait);
        attempts++;
        last = await this.d.send(channel, n, { timeoutMs: SEND_TIMEOUT_MS }).catch((err: unknown) => ({ ok: false, status: null, detail: err instanceof Error ? err.message : String(err) }));
        if (last.ok) break;
      }
    } finally {
      this.inFlight--;
    }
    return this.record(channel, n, { outcome: last.ok ? 'sent' : 'failed', status: last.status, detail: last.detail, attempts, fallbackOf });
  }

  private async record(channel: Channel, n: Notification, r: Pick<Delivery, 'outcome' | 'status' | 'detail' | 'attempts' | 'fallbackOf'>): Promise<Delivery> {
    this.d.delivered?.(channel.type, r.outcome === 'sent' ? 'ok' : r.outcome);
    const entry = {
      at: this.now(),
      channelId: channel.id,
      channelName: channel.name,
      channelType: channel.type,
      notificationId: n.id,
      kind: n.kind,
      rule: n.rule,
      clusterId: n.clusterId,
      incidentId: n.incidentId,
      title: n.title,
      ...r,
      detail: r.detail.slice(0, 500),
    };
    try {
      return await this.d.store.alerts.deliveries.record(entry);
    } catch (err) {
      this.log.error({ err, channel: channel.id }, 'could not write the delivery log');
      return { ...entry, id: 0 };
    }
  }
}
