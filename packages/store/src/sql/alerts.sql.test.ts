import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChannelInput } from '@quorate/model';
import type { SecretKey } from '../secret-key';
import { dbBytes } from '../testing';
import { createAlertStore } from './alerts';
import type { SecretsOn } from './alerts';
import type { SqlStore } from './contract';
import { createSecretStore } from './secrets';
import { ENGINES, handClock, useSqlStores } from './testing';

const key: SecretKey = { key: randomBytes(32), id: 'key-one' };
const SLACK_URL = 'https://hooks.slack.example/services/T000/B000/SECRETPART0123456789';
const slack: ChannelInput = { type: 'slack', name: 'ops', config: { url: SLACK_URL }, repeatMinutes: 0, enabled: true };
const hook = (secret?: string): ChannelInput => ({
  type: 'webhook',
  name: 'hook',
  config: { url: 'https://hooks.example/q', ...(secret === undefined ? {} : { secret }) },
  repeatMinutes: 0,
  enabled: true,
});

describe.each(ENGINES)('alerts on %s', (engine) => {
  const t = useSqlStores(engine);
  /** the alert part and the secret part it uses, each bound to the database or to the transaction at hand */
  const partsOf = (s: SqlStore, now: () => number = Date.now, wrap: (on: ReturnType<SecretsOn>) => ReturnType<SecretsOn> = (x) => x) => {
    const ctx = t.ctx(s, now);
    const secretsOn: SecretsOn = (db) => wrap(createSecretStore({ ...ctx, db }, key));
    return { alerts: createAlertStore(ctx, secretsOn), secrets: secretsOn(s.db) };
  };
  const storedText = async (s: SqlStore) => {
    const channels = await s.db.selectFrom('alert_channels').selectAll().execute();
    const secrets = await s.db.selectFrom('secrets').select(['name', 'ciphertext']).execute();
    return JSON.stringify(channels) + secrets.map((r) => r.name + r.ciphertext.toString('latin1')).join('');
  };

  it('keeps a channel with its secret fields encrypted only, reads it back whole, and deletes the secrets with it', async () => {
    const clock = handClock(1_000);
    const store = await t.open();
    const { alerts, secrets } = partsOf(store, clock.now);
    const c = await alerts.channels.save(slack);
    expect(c).toMatchObject({ type: 'slack', name: 'ops', config: { url: SLACK_URL }, createdAt: 1_000, updatedAt: 1_000 });
    expect(c.id).toMatch(/^ch_[0-9a-f]{12}$/);
    clock.at = 1_500;
    const mail = await alerts.channels.save({ type: 'email', name: 'mail', config: { host: '127.0.0.1', port: 2525, security: 'none', username: 'quorate', password: 'smtp-pass-77', from: 'q@example.org', to: ['ops@example.org'] }, repeatMinutes: 30, enabled: true, clusters: ['lab'] });
    // stored: the URL's key and the password never in clear, the secrets under alert/<id>/<field>
    const text = await storedText(store);
    expect(text).not.toContain('SECRETPART0123456789');
    expect(text).not.toContain('smtp-pass-77');
    if (engine === 'sqlite') {
      const bytes = dbBytes(dirname(store.where)).toString('latin1');
      expect(bytes).not.toContain('SECRETPART0123456789');
      expect(bytes).not.toContain('smtp-pass-77');
      expect(bytes).toContain('q@example.org'); // the search is not vacuous
    }
    expect(await secrets.names()).toEqual([`alert/${c.id}/url`, `alert/${mail.id}/password`].sort());
    clock.at = 2_000;
    // another part on the same database (a restart, another replica) reads them back whole
    const again = partsOf(store, clock.now).alerts;
    expect((await again.channels.list()).map((x) => x.name)).toEqual(['ops', 'mail']);
    expect(await again.channels.get(mail.id)).toMatchObject({ config: { password: 'smtp-pass-77', port: 2525 }, clusters: ['lab'], repeatMinutes: 30, createdAt: 1_500 });
    expect(await again.channels.get('ch_none')).toBeNull();
    expect(await again.channels.get('ch\0')).toBeNull();
    // a replace keeps the id and its created time
    expect(await again.channels.save({ ...slack, name: 'ops-2' }, c.id)).toMatchObject({ id: c.id, name: 'ops-2', createdAt: 1_000, updatedAt: 2_000 });
    expect(await again.channels.delete(c.id)).toBe(true);
    expect((await secrets.names()).filter((n) => n.startsWith(`alert/${c.id}/`))).toEqual([]);
    expect(await again.channels.delete(c.id)).toBe(false);
    expect(await again.channels.delete('ch\0')).toBe(false);
    expect((await again.channels.list()).map((x) => x.id)).toEqual([mail.id]);
  });

  it('a replace drops the secret fields no longer given', async () => {
    const store = await t.open();
    const { alerts, secrets } = partsOf(store);
    const h = await alerts.channels.save(hook('signing-secret-0123456789'));
    expect((await alerts.channels.get(h.id))?.config).toEqual({ url: 'https://hooks.example/q', secret: 'signing-secret-0123456789' });
    await alerts.channels.save(hook(), h.id);
    expect((await alerts.channels.get(h.id))?.config).toEqual({ url: 'https://hooks.example/q' });
    expect(await secrets.names()).toEqual([`alert/${h.id}/url`]);
  });

  it('the channel row and its secrets are one transaction: a failed secret write leaves the channel as it was', async () => {
    const clock = handClock(1_000);
    const store = await t.open();
    const good = partsOf(store, clock.now).alerts;
    const h = await good.channels.save(hook('signing-secret-0123456789'));
    clock.at = 2_000;
    const failing = partsOf(store, clock.now, (s) => ({
      ...s,
      put: async (name: string, value: string) => {
        if (name.endsWith('/secret')) throw new Error('disk full');
        return s.put(name, value);
      },
    })).alerts;
    // a replace: the row's update and the old secrets' deletion are undone with the failed put
    await expect(failing.channels.save({ ...hook('another-secret-0123456789'), name: 'renamed' }, h.id)).rejects.toThrow('disk full');
    expect(await good.channels.get(h.id)).toEqual(h);
    // an add: no row, no secret
    await expect(failing.channels.save(hook('another-secret-0123456789'), 'ch_new')).rejects.toThrow('disk full');
    expect(await good.channels.get('ch_new')).toBeNull();
    expect((await good.channels.list()).map((x) => x.id)).toEqual([h.id]);
    expect(await partsOf(store).secrets.names()).toEqual([`alert/${h.id}/secret`, `alert/${h.id}/url`]);
    // a delete whose row delete fails keeps the secrets too
    const failingDelete = partsOf(store, clock.now, (s) => ({
      ...s,
      delete: async (name: string) => {
        await s.delete(name);
        if (name.endsWith('/url')) throw new Error('io error');
        return true;
      },
    })).alerts;
    await expect(failingDelete.channels.delete(h.id)).rejects.toThrow('io error');
    expect(await good.channels.get(h.id)).toEqual(h);
  });

  it('skips and reports a corrupt channel row', async () => {
    const store = await t.open();
    const { alerts } = partsOf(store);
    const a = await alerts.channels.save(slack);
    const b = await alerts.channels.save({ ...slack, name: 'two' });
    const c = await alerts.channels.save({ ...slack, name: 'three' });
    await store.db.updateTable('alert_channels').set({ settings: '{not json' }).where('id', '=', a.id).execute();
    await store.db.updateTable('alert_channels').set({ name: '' }).where('id', '=', b.id).execute();
    expect((await alerts.channels.list()).map((x) => x.id)).toEqual([c.id]);
    expect(t.corrupt.map((r) => [r.table, r.key])).toEqual([
      ['alert_channels', a.id],
      ['alert_channels', b.id],
    ]);
    expect(t.corrupt[0]?.problem).toMatch(/invalid JSON/);
    expect(await alerts.channels.get(a.id)).toBeNull();
  });

  it('silences: current and planned listed, past ones not; acknowledgements keep the first', async () => {
    const clock = handClock(10_000);
    const { alerts } = partsOf(await t.open(), clock.now);
    const now = await alerts.silences.add({ clusterId: 'lab', rule: null, startsAt: 10_000, endsAt: 20_000, reason: 'maintenance', createdBy: 'admin' });
    const planned = await alerts.silences.add({ clusterId: null, rule: 'link-degraded', startsAt: 50_000, endsAt: 60_000, reason: 'switch upgrade', createdBy: 'admin' });
    expect(planned).toMatchObject({ createdAt: 10_000 });
    expect(await alerts.silences.list()).toEqual([now, planned]);
    clock.at = 30_000;
    expect((await alerts.silences.list()).map((x) => x.id)).toEqual([planned.id]);
    expect(await alerts.silences.delete(planned.id)).toBe(true);
    expect(await alerts.silences.delete(planned.id)).toBe(false);
    expect(await alerts.silences.list()).toEqual([]);
    expect(await alerts.acks.ack('lab:41', 'alice')).toEqual({ key: 'lab:41', by: 'alice', at: 30_000 });
    clock.at = 31_000;
    expect(await alerts.acks.ack('lab:41', 'bob')).toEqual({ key: 'lab:41', by: 'alice', at: 30_000 });
    expect(await alerts.acks.get('lab:9')).toBeNull();
    expect(await alerts.acks.get('lab\0')).toBeNull();
  });

  it('the delivery log: newest first, filtered, paged, pruned by age (with acks and silences)', async () => {
    const clock = handClock(1_000);
    const { alerts } = partsOf(await t.open(), clock.now);
    const d = (at: number, outcome: 'sent' | 'failed' | 'suppressed', channelId = 'ch_a') =>
      alerts.deliveries.record({ at, channelId, channelName: 'ops', channelType: 'webhook', notificationId: `n${at}`, kind: 'opened', rule: 'quorum-lost', clusterId: 'lab', incidentId: 'lab:1', title: 't', outcome, status: outcome === 'sent' ? 200 : null, detail: outcome, attempts: 1, fallbackOf: null });
    const first = await d(1_000, 'sent');
    expect(first.id).toEqual(expect.any(Number));
    expect((await d(2_000, 'failed')).id).toBe(first.id + 1);
    await d(3_000, 'suppressed', 'ch_b');
    expect((await alerts.deliveries.list({ limit: 10, offset: 0 })).deliveries.map((x) => x.at)).toEqual([3_000, 2_000, 1_000]);
    expect((await alerts.deliveries.list({ limit: 10, offset: 0 })).deliveries[2]).toEqual(first);
    expect(await alerts.deliveries.list({ limit: 10, offset: 0, channel: 'ch_a', outcome: 'failed' })).toMatchObject({ total: 1, deliveries: [{ at: 2_000, detail: 'failed' }] });
    expect(await alerts.deliveries.list({ limit: 1, offset: 1, cluster: 'lab' })).toMatchObject({ total: 3, deliveries: [{ at: 2_000 }] });
    expect(await alerts.deliveries.list({ limit: 10, offset: 0, cluster: 'prod' })).toEqual({ deliveries: [], total: 0 });
    await alerts.acks.ack('lab:1', 'alice'); // at 1_000
    await alerts.silences.add({ clusterId: null, rule: null, startsAt: 0, endsAt: 1_400, reason: 'r', createdBy: 'admin' });
    await alerts.silences.add({ clusterId: null, rule: null, startsAt: 0, endsAt: 1_600, reason: 'r', createdBy: 'admin' });
    clock.at = 10_000;
    // before 1_500: one delivery, the ack, one silence
    expect(await alerts.prune({ maxAgeMs: 8_500 })).toBe(3);
    expect((await alerts.deliveries.list({ limit: 10, offset: 0 })).total).toBe(2);
    expect(await alerts.acks.get('lab:1')).toBeNull();
    expect(await alerts.prune({ maxAgeMs: 8_500 })).toBe(0);
  });

  it('skips and reports a corrupt delivery row; total still counts it', async () => {
    const store = await t.open();
    const { alerts } = partsOf(store);
    const rec = await alerts.deliveries.record({ at: 1, channelId: 'ch_a', channelName: 'ops', channelType: 'slack', notificationId: 'n', kind: 'opened', rule: null, clusterId: null, incidentId: null, title: 't', outcome: 'sent', status: 200, detail: '', attempts: 1, fallbackOf: null });
    await store.db.updateTable('alert_deliveries').set({ json: '{"at":"x"}' }).where('id', '=', rec.id).execute();
    expect(await alerts.deliveries.list({ limit: 10, offset: 0 })).toEqual({ deliveries: [], total: 1 });
    expect(t.corrupt).toEqual([{ table: 'alert_deliveries', key: String(rec.id), problem: 'not a delivery' }]);
  });
});
