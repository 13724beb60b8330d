// /api/v1/alerts: channels (admin; secrets never answered), their test button, the delivery log, silences and
// acknowledgements (operator), what is alerting now (viewer). Every change is audited.
import { Router } from 'express';
import { z } from 'zod';
import { ChannelInput, DeadmanInput, DeliveryQuery, SECRET_FIELDS, SECRET_SET, SilenceInput, redactChannel, type Channel, type DeliveryPage } from '@quorate/model';
import type { AlertDispatcher } from '../alerts/dispatcher';
import type { DeadmanSwitch } from '../alerts/deadman';
import { requireRole, signedIn } from '../auth/middleware';
import { audit, type AppContext } from '../context';
import { HttpError, badRequest } from '../http-errors';

const Id = z.string().regex(/^[a-z]{2}_[0-9a-f]{12}$/, 'an id such as ch_0123456789ab');
const AckInput = z.object({ key: z.string().min(1).max(200) }).strict();

export function alertsRouter(ctx: AppContext, alerts: AlertDispatcher, deadman: DeadmanSwitch): Router {
  const { store } = ctx;
  const router = Router();
  const channelOf = async (raw: unknown): Promise<Channel> => {
    const id = Id.safeParse(raw);
    if (!id.success) throw badRequest('channel id', id.error);
    const c = await store.alerts.channels.get(id.data);
    if (!c) throw new HttpError(404, `no alert channel with id ${id.data}`);
    return c;
  };
  /** a fallback that exists and is not the channel itself; clusters that are known */
  const checkRefs = async (input: ChannelInput, selfId: string | null): Promise<void> => {
    if (input.fallback != null && (input.fallback === selfId || !(await store.alerts.channels.get(input.fallback))))
      throw new HttpError(400, `fallback: ${input.fallback === selfId ? 'a channel cannot be its own fallback' : `no channel with id ${input.fallback}`}`, [{ path: 'fallback', message: 'not another existing channel' }]);
    const unknown = (input.clusters ?? []).filter((id) => ctx.clusters.get(id) === undefined);
    if (unknown.length > 0) throw new HttpError(400, `clusters: unknown ${unknown.join(', ')}`, [{ path: 'clusters', message: `unknown: ${unknown.join(', ')}` }]);
  };

  router.get('/alerts/channels', requireRole('admin'), async (_req, res) => {
    res.json({ channels: (await store.alerts.channels.list()).map(redactChannel) });
  });

  // operators filter the delivery log by channel: names only, no config
  router.get('/alerts/channel-names', requireRole('operator'), async (_req, res) => {
    res.json({ channels: (await store.alerts.channels.list()).map((c) => ({ id: c.id, name: c.name, type: c.type })) });
  });

  router.post('/alerts/channels', requireRole('admin'), async (req, res) => {
    const who = signedIn(req.identity);
    const input = ChannelInput.safeParse(req.body);
    if (!input.success) throw badRequest('alert channel', input.error);
    await checkRefs(input.data, null);
    const c = await store.alerts.channels.save(input.data);
    await alerts.channelsChanged();
    await audit(ctx, who, { operation: 'alert-channel-add', clusterId: null, params: { id: c.id, type: c.type, name: c.name }, confirmed: true, result: 'ok', message: `alert channel ${c.name} (${c.type}) added` });
    res.status(201).json({ channel: redactChannel(c) });
  });

  router.put('/alerts/channels/:id', requireRole('admin'), async (req, res) => {
    const who = signedIn(req.identity);
    const before = await channelOf(req.params.id);
    // a secret sent back as SECRET_SET keeps the stored one (the page never has it)
    const body = req.body as { type?: unknown; config?: Record<string, unknown> } | undefined;
    if (body && body.type === before.type && body.config && typeof body.config === 'object')
      for (const f of SECRET_FIELDS[before.type]) if (body.config[f] === SECRET_SET) body.config[f] = (before.config as Record<string, unknown>)[f];
    const input = ChannelInput.safeParse(body);
    if (!input.success) throw badRequest('alert channel', input.error);
    await checkRefs(input.data, before.id);
    const c = await store.alerts.channels.save(input.data, before.id);
    await alerts.channelsChanged();
    await audit(ctx, who, { operation: 'alert-channel-change', clusterId: null, params: { id: c.id, type: c.type, name: c.name }, confirmed: true, result: 'ok', message: `alert channel ${c.name} (${c.type}) changed` });
    res.json({ channel: redactChannel(c) });
  });

  router.delete('/alerts/channels/:id', requireRole('admin'), async (req, res) => {
    const who = signedIn(req.identity);
    const c = await channelOf(req.params.id);
    await store.alerts.channels.delete(c.id);
    await alerts.channelsChanged();
    await audit(ctx, who, { operation: 'alert-channel-remove', clusterId: null, params: { id: c.id, type: c.type, name: c.name }, confirmed: true, result: 'ok', message: `alert channel ${c.name} (${c.type}) removed` });
    res.status(204).end();
  });

  router.post('/alerts/channels/:id/test', requireRole('admin'), async (req, res) => {
    const who = signedIn(req.identity);
    const c = await channelOf(req.params.id);
    const delivery = await alerts.test(c);
    await audit(ctx, who, { operation: 'alert-channel-test', clusterId: null, params: { id: c.id, type: c.type, name: c.name }, confirmed: true, result: delivery.outcome === 'sent' ? 'ok' : 'failed', message: `test message to ${c.name}: ${delivery.outcome} (${delivery.detail})` });
    res.json({ delivery });
  });

  router.get('/alerts/deliveries', requireRole('operator'), async (req, res) => {
    const q = DeliveryQuery.safeParse(req.query);
    if (!q.success) throw badRequest('query', q.error);
    const body: DeliveryPage = await store.alerts.deliveries.list(q.data);
    res.json(body);
  });

  router.get('/alerts/silences', requireRole('viewer'), async (_req, res) => {
    res.json({ silences: await store.alerts.silences.list() });
  });

  router.post('/alerts/silences', requireRole('operator'), async (req, res) => {
    const who = signedIn(req.identity);
    const input = SilenceInput.safeParse(req.body);
    if (!input.success) throw badRequest('silence', input.error);
    const s = input.data;
    if (s.cluster != null && ctx.clusters.get(s.cluster) === undefined) throw new HttpError(400, `cluster: unknown ${s.cluster}`, [{ path: 'cluster', message: 'unknown cluster' }]);
    const now = Date.now();
    const startsAt = s.hours !== undefined ? now : (s.startsAt ?? now);
    const endsAt = s.hours !== undefined ? now + s.hours * 3_600_000 : s.endsAt!;
    if (endsAt <= now) throw new HttpError(400, 'endsAt: the window is already over', [{ path: 'endsAt', message: 'in the past' }]);
    const v = await store.alerts.silences.add({ clusterId: s.cluster ?? null, rule: s.rule ?? null, startsAt, endsAt, reason: s.reason, createdBy: who.name });
    await alerts.silencesChanged();
    await audit(ctx, who, { operation: 'alert-silence', clusterId: v.clusterId, params: { id: v.id, rule: v.rule, startsAt, endsAt }, confirmed: true, result: 'ok', message: `alerts silenced${v.rule ? ` (${v.rule})` : ''} until ${new Date(endsAt).toISOString()}: ${s.reason}` });
    res.status(201).json({ silence: v });
  });

  router.delete('/alerts/silences/:id', requireRole('operator'), async (req, res) => {
    const who = signedIn(req.identity);
    const id = Id.safeParse(req.params.id);
    if (!id.success) throw badRequest('silence id', id.error);
    if (!(await store.alerts.silences.delete(id.data))) throw new HttpError(404, `no silence with id ${id.data}`);
    await alerts.silencesChanged();
    await audit(ctx, who, { operation: 'alert-silence-end', clusterId: null, params: { id: id.data }, confirmed: true, result: 'ok', message: 'silence ended early' });
    res.status(204).end();
  });

  router.get('/alerts/open', requireRole('viewer'), async (_req, res) => {
    const open = alerts.openAlerts();
    const acks = await Promise.all(open.map((a) => store.alerts.acks.get(a.key)));
    res.json({ alerts: open.map((a, i) => ({ ...a, acknowledged: acks[i] ?? null })) });
  });

  router.post('/alerts/ack', requireRole('operator'), async (req, res) => {
    const who = signedIn(req.identity);
    const input = AckInput.safeParse(req.body);
    if (!input.success) throw badRequest('acknowledgement', input.error);
    const open = alerts.openAlerts().find((a) => a.key === input.data.key);
    if (!open) throw new HttpError(404, `nothing is alerting as ${input.data.key}`);
    const ack = await store.alerts.acks.ack(open.key, who.name);
    alerts.acked(open.key);
    await audit(ctx, who, { operation: 'alert-ack', clusterId: open.clusterId, params: { key: open.key }, confirmed: true, result: 'ok', message: `acknowledged: ${open.title} (no more reminders)` });
    res.json({ ack });
  });

  router.get('/alerts/deadman', requireRole('admin'), async (_req, res) => {
    res.json(await deadman.view());
  });

  router.put('/alerts/deadman', requireRole('admin'), async (req, res) => {
    const who = signedIn(req.identity);
    // "(set)" keeps the stored URL: only the interval changes (the page never has the URL)
    const raw = req.body as { url?: unknown } | undefined;
    const stored = await deadman.storedUrl();
    const body = raw && raw.url === SECRET_SET && stored !== null ? { ...raw, url: stored } : raw;
    const input = DeadmanInput.safeParse(body);
    if (!input.success) throw badRequest("dead-man's switch", input.error);
    await deadman.configure(input.data);
    await deadman.settled();
    const view = await deadman.view();
    await audit(ctx, who, { operation: 'alert-deadman-set', clusterId: null, params: { hint: view.hint, intervalS: view.intervalS }, confirmed: true, result: 'ok', message: `dead-man's switch: ${view.hint} every ${view.intervalS} s (first ping: ${view.last?.detail ?? 'pending'})` });
    res.json(view);
  });

  router.delete('/alerts/deadman', requireRole('admin'), async (req, res) => {
    const who = signedIn(req.identity);
    await deadman.configure(null);
    await audit(ctx, who, { operation: 'alert-deadman-clear', clusterId: null, params: {}, confirmed: true, result: 'ok', message: "dead-man's switch turned off" });
    res.status(204).end();
  });

  return router;
}
