import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChannelInput } from '@quorate/model';
import { dbBytes, useStores } from './testing';

const t = useStores();
const SLACK_URL = 'https://hooks.slack.example/services/T000/B000/SECRETPART0123456789';
const slack: ChannelInput = { type: 'slack', name: 'ops', config: { url: SLACK_URL }, repeatMinutes: 0, enabled: true };

describe('alert store', () => {
  it('keeps a channel with its secret fields encrypted only, reads it back whole, and deletes the secrets with it', () => {
    const dataDir = join(t.tempDir(), 'data');
    let clock = 1_000;
    const s = t.open({ dataDir, now: () => clock });
    const c = s.alerts.channels.save(slack);
    expect(c).toMatchObject({ type: 'slack', name: 'ops', config: { url: SLACK_URL }, createdAt: 1_000 });
    clock = 1_500;
    const mail = s.alerts.channels.save({ type: 'email', name: 'mail', config: { host: '127.0.0.1', port: 2525, security: 'none', username: 'quorate', password: 'smtp-pass-77', from: 'q@example.org', to: ['ops@example.org'] }, repeatMinutes: 30, enabled: true, clusters: ['lab'] });
    s.close();
    // on disk: the URL's key and the password never in clear
    const bytes = dbBytes(dataDir).toString('latin1');
    expect(bytes).not.toContain('SECRETPART0123456789');
    expect(bytes).not.toContain('smtp-pass-77');
    clock = 2_000;
    const again = t.open({ dataDir, now: () => clock });
    expect(again.alerts.channels.list().map((x) => x.name)).toEqual(['ops', 'mail']);
    expect(again.alerts.channels.get(mail.id)).toMatchObject({ config: { password: 'smtp-pass-77', port: 2525 }, clusters: ['lab'], repeatMinutes: 30 });
    // a replace keeps the id and its created time
    expect(again.alerts.channels.save({ ...slack, name: 'ops-2' }, c.id)).toMatchObject({ id: c.id, name: 'ops-2', createdAt: 1_000, updatedAt: 2_000 });
    expect(again.alerts.channels.delete(c.id)).toBe(true);
    expect(again.secrets.names().filter((n) => n.startsWith(`alert/${c.id}/`))).toEqual([]);
    expect(again.alerts.channels.delete(c.id)).toBe(false);
  });

  it('silences: current and planned listed, past ones not; acknowledgements keep the first', () => {
    let clock = 10_000;
    const s = t.open({ now: () => clock });
    s.alerts.silences.add({ clusterId: 'lab', rule: null, startsAt: 10_000, endsAt: 20_000, reason: 'maintenance', createdBy: 'admin' });
    const planned = s.alerts.silences.add({ clusterId: null, rule: 'link-degraded', startsAt: 50_000, endsAt: 60_000, reason: 'switch upgrade', createdBy: 'admin' });
    expect(s.alerts.silences.list().map((x) => x.reason)).toEqual(['maintenance', 'switch upgrade']);
    clock = 30_000;
    expect(s.alerts.silences.list().map((x) => x.id)).toEqual([planned.id]);
    expect(s.alerts.acks.ack('lab:41', 'alice')).toEqual({ key: 'lab:41', by: 'alice', at: 30_000 });
    clock = 31_000;
    expect(s.alerts.acks.ack('lab:41', 'bob')).toEqual({ key: 'lab:41', by: 'alice', at: 30_000 });
    expect(s.alerts.acks.get('lab:9')).toBeNull();
  });

  it('the delivery log: newest first, filtered, pruned by age', () => {
    let clock = 1_000;
    const s = t.open({ now: () => clock });
    const d = (at: number, outcome: 'sent' | 'failed' | 'suppressed', channelId = 'ch_a') =>
      s.alerts.deliveries.record({ at, channelId, channelName: 'ops', channelType: 'webhook', notificationId: `n${at}`, kind: 'opened', rule: 'quorum-lost', clusterId: 'lab', incidentId: 'lab:1', title: 't', outcome, status: outcome === 'sent' ? 200 : null, detail: outcome, attempts: 1, fallbackOf: null });
    d(1_000, 'sent');
    d(2_000, 'failed');
    d(3_000, 'suppressed', 'ch_b');
    expect(s.alerts.deliveries.list({ limit: 10, offset: 0 }).deliveries.map((x) => x.at)).toEqual([3_000, 2_000, 1_000]);
    expect(s.alerts.deliveries.list({ limit: 10, offset: 0, channel: 'ch_a', outcome: 'failed' })).toMatchObject({ total: 1, deliveries: [{ at: 2_000, detail: 'failed' }] });
    clock = 10_000;
    expect(s.alerts.prune({ maxAgeMs: 8_500 })).toBe(1);
    expect(s.alerts.deliveries.list({ limit: 10, offset: 0 }).total).toBe(2);
  });
});
