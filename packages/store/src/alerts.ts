// Alerting's state (issue 14): channels (secret fields encrypted in the secret store as alert/<id>/<field>),
// silences, acknowledgements and the delivery log (pruned with the audit trail's retention).
import { randomBytes } from 'node:crypto';
import { ChannelInput, Delivery, SECRET_FIELDS, type Channel, type DeliveryQuery, type SilenceView } from '@quorate/model';
import type { Db } from './db';
import { parseJson, type CorruptReporter } from './corrupt';
import type { SecretStore } from './secrets';

export type AlertStore = ReturnType<typeof createAlertStore>;
export type NewDelivery = Omit<Delivery, 'id'>;

export const secretPrefix = (id: string) => `alert/${id}/`;
export const newId = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

interface ChannelRow {
  id: string;
  type: string;
  name: string;
  settings: string;
  created_at: number;
  updated_at: number;
}

export function createAlertStore(db: Db, secrets: SecretStore, now: () => number, reportCorrupt: CorruptReporter) {
  const upsertChannel = db.prepare(`INSERT INTO alert_channels (id, type, name, settings, created_at, updated_at) VALUES (@id, @type, @name, @settings, @now, @now)
    ON CONFLICT (id) DO UPDATE SET type = excluded.type, name = excluded.name, settings = excluded.settings, updated_at = excluded.updated_at`);
  const channelRows = db.prepare('SELECT * FROM alert_channels ORDER BY created_at, id');
  const channelRow = db.prepare('SELECT * FROM alert_channels WHERE id = ?');
  const deleteChannel = db.prepare('DELETE FROM alert_channels WHERE id = ?');
  const insertSilence = db.prepare(`INSERT INTO alert_silences (id, cluster_id, rule, starts_at, ends_at, reason, created_by, created_at)
    VALUES (@id, @clusterId, @rule, @startsAt, @endsAt, @reason, @createdBy, @createdAt)`);
  const silenceRows = db.prepare('SELECT * FROM alert_silences WHERE ends_at > ? ORDER BY starts_at, id');
  const deleteSilence = db.prepare('DELETE FROM alert_silences WHERE id = ?');
  const pruneSilences = db.prepare('DELETE FROM alert_silences WHERE ends_at < ?');
  const upsertAck = db.prepare('INSERT INTO alert_acks (key, acked_by, acked_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING');
  const ackRow = db.prepare('SELECT key, acked_by, acked_at FROM alert_acks WHERE key = ?');
  const pruneAcks = db.prepare('DELETE FROM alert_acks WHERE acked_at < ?');
  const insertDelivery = db.prepare('INSERT INTO alert_deliveries (at, channel_id, cluster_id, outcome, json) VALUES (?, ?, ?, ?, ?)');
  const pruneDeliveries = db.prepare('DELETE FROM alert_deliveries WHERE at < ?');

  const secretNames = (id: string) => secrets.names().filter((n) => n.startsWith(secretPrefix(id)));

  const parseChannel = (row: ChannelRow): Channel | null => {
    const settings = parseJson(row.settings);
    if (!settings.ok) {
      reportCorrupt({ table: 'alert_channels', key: row.id, problem: settings.problem });
      return null;
    }
    const stored = settings.value as { config?: Record<string, unknown> } & Record<string, unknown>;
    const config: Record<string, unknown> = { ...(stored.config ?? {}) };
    for (const n of secretNames(row.id)) {
      const v = secrets.get(n);
      if (v !== null) config[n.slice(secretPrefix(row.id).length)] = v;
    }
    const r = ChannelInput.safeParse({ ...stored, type: row.type, name: row.name, config });
    if (!r.success) {
      reportCorrupt({ table: 'alert_channels', key: row.id, problem: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return null;
    }
    return { ...r.data, id: row.id, createdAt: row.created_at, updatedAt: row.updated_at };
  };

  return {
    channels: {
      list(): Channel[] {
        return (channelRows.all() as ChannelRow[]).map(parseChannel).filter((c): c is Channel => c !== null);
      },
      get(id: string): Channel | null {
        const row = channelRow.get(id) as ChannelRow | undefined;
        return row ? parseChannel(row) : null;
      },
      /** add (no id) or replace; the secret fields go to the secret store in the same transaction */
      save(input: ChannelInput, id: string = newId('ch')): Channel {
        const config: Record<string, unknown> = { ...(input.config as Record<string, unknown>) };
        const secret: Record<string, string> = {};
        for (const f of SECRET_FIELDS[input.type]) {
          if (typeof config[f] === 'string') secret[f] = config[f];
          delete config[f];
        }
        const { type, name, ...rest } = input;
        db.transaction(() => {
          upsertChannel.run({ id, type, name, settings: JSON.stringify({ ...rest, config }), now: now() });
          for (const n of secretNames(id)) secrets.delete(n);
          for (const [f, v] of Object.entries(secret)) secrets.put(`${secretPrefix(id)}${f}`, v);
        }).immediate();
        return this.get(id)!;
      },
      delete(id: string): boolean {
        return db
          .transaction(() => {
            for (const n of secretNames(id)) secrets.delete(n);
            return deleteChannel.run(id).changes > 0;
          })
          .immediate();
      },
    },

    silences: {
      /** the ones not over yet (current and planned) */
      list(): SilenceView[] {
        return (silenceRows.all(now()) as { id: string; cluster_id: string | null; rule: string | null; starts_at: number; ends_at: number; reason: string; created_by: string; created_at: number }[]).map((r) => ({
          id: r.id,
          clusterId: r.cluster_id,
          rule: r.rule as SilenceView['rule'],
          startsAt: r.starts_at,
          endsAt: r.ends_at,
          reason: r.reason,
          createdBy: r.created_by,
          createdAt: r.created_at,
        }));
      },
      add(s: Omit<SilenceView, 'id' | 'createdAt'>): SilenceView {
        const v: SilenceView = { ...s, id: newId('si'), createdAt: now() };
        insertSilence.run(v);
        return v;
      },
      delete(id: string): boolean {
        return deleteSilence.run(id).changes > 0;
      },
    },

    acks: {
      /** first acknowledgement wins (who and when stay) */
      ack(key: string, by: string): { key: string; by: string; at: number } {
        upsertAck.run(key, by, now());
        return this.get(key)!;
      },
      get(key: string): { key: string; by: string; at: number } | null {
        const r = ackRow.get(key) as { key: string; acked_by: string; acked_at: number } | undefined;
        return r ? { key: r.key, by: r.acked_by, at: r.acked_at } : null;
      },
    },

    deliveries: {
      record(d: NewDelivery): Delivery {
        const id = Number(insertDelivery.run(d.at, d.channelId, d.clusterId, d.outcome, JSON.stringify(d)).lastInsertRowid);
        return { ...d, id };
      },
      /** newest first */
      list(q: Pick<DeliveryQuery, 'channel' | 'cluster' | 'outcome'> & { limit: number; offset: number }): { deliveries: Delivery[]; total: number } {
        const filters: [string, string | undefined][] = [
          ['channel_id = ?', q.channel],
          ['cluster_id = ?', q.cluster],
          ['outcome = ?', q.outcome],
        ];
        const used = filters.filter((f): f is [string, string] => f[1] !== undefined);
        const w = used.length > 0 ? `WHERE ${used.map(([sql]) => sql).join(' AND ')}` : '';
        const args = used.map(([, v]) => v);
        const total = (db.prepare(`SELECT count(*) AS n FROM alert_deliveries ${w}`).get(...args) as { n: number }).n;
        const rows = db.prepare(`SELECT id, json FROM alert_deliveries ${w} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...args, q.limit, q.offset) as { id: number; json: string }[];
        const deliveries = rows.flatMap((r) => {
          const j = parseJson(r.json);
          const p = j.ok ? Delivery.safeParse({ ...(j.value as object), id: r.id }) : null;
          if (!p?.success) {
            reportCorrupt({ table: 'alert_deliveries', key: String(r.id), problem: j.ok ? 'not a delivery' : j.problem });
            return [];
          }
          return [p.data];
        });
        return { deliveries, total };
      },
    },

    /** deliveries and acknowledgements older than maxAgeMs, silences over for that long */
    prune({ maxAgeMs }: { maxAgeMs: number }): number {
      const before = now() - maxAgeMs;
      return pruneDeliveries.run(before).changes + pruneAcks.run(before).changes + pruneSilences.run(before).changes;
    },
  };
}
