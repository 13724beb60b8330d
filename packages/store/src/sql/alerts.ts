// Alerting's state (issue 14) on SQLite or PostgreSQL: channels (secret fields encrypted in the secret store
// as alert/<id>/<field>), silences, acknowledgements and the delivery log (pruned with the audit trail's
// retention).
import { randomBytes } from 'node:crypto';
import { ChannelInput, Delivery, SECRET_FIELDS, type Channel, type DeliveryQuery, type SilenceView } from '@quorate/model';
import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import { parseJson } from '../corrupt';
import { binaryOrder } from './collate';
import type { SqlContext } from './contract';
import type { Schema } from './schema';
import type { SecretStore } from './secrets';
import { matchesNothing } from './text';
import { writeTx } from './tx';

export type AlertStore = ReturnType<typeof createAlertStore>;
export type NewDelivery = Omit<Delivery, 'id'>;

export const secretPrefix = (id: string) => `alert/${id}/`;
export const newId = (prefix: string) => `${prefix}_${randomBytes(6).toString('hex')}`;

/** the secret store on a database or a transaction: a channel's row and its secrets are written in one */
export type SecretsOn = (db: Kysely<Schema>) => SecretStore;

type ChannelRow = Schema['alert_channels'];

export function createAlertStore(ctx: SqlContext, secretsOn: SecretsOn) {
  const { db, dialect, now, reportCorrupt } = ctx;
  const secrets = secretsOn(db);

  const secretNames = (names: readonly string[], id: string) => names.filter((n) => n.startsWith(secretPrefix(id)));

  /** names: every secret's name, read once for the rows at hand */
  const parseChannel = async (row: ChannelRow, names: readonly string[]): Promise<Channel | null> => {
    const settings = parseJson(row.settings);
    if (!settings.ok) {
      reportCorrupt({ table: 'alert_channels', key: row.id, problem: settings.problem });
      return null;
    }
    const stored = settings.value as { config?: Record<string, unknown> } & Record<string, unknown>;
    const config: Record<string, unknown> = { ...(stored.config ?? {}) };
    for (const n of secretNames(names, row.id)) {
      const v = await secrets.get(n);
      if (v !== null) config[n.slice(secretPrefix(row.id).length)] = v;
    }
    const r = ChannelInput.safeParse({ ...stored, type: row.type, name: row.name, config });
    if (!r.success) {
      reportCorrupt({ table: 'alert_channels', key: row.id, problem: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return null;
    }
    return { ...r.data, id: row.id, createdAt: row.created_at, updatedAt: row.updated_at };
  };

  async function getChannel(id: string): Promise<Channel | null> {
    if (matchesNothing(id)) return null;
    const row = await db.selectFrom('alert_channels').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? parseChannel(row, await secrets.names()) : null;
  }

  async function getAck(key: string): Promise<{ key: string; by: string; at: number } | null> {
    if (matchesNothing(key)) return null;
    const r = await db.selectFrom('alert_acks').selectAll().where('key', '=', key).executeTakeFirst();
    return r ? { key: r.key, by: r.acked_by, at: r.acked_at } : null;
  }

  return {
    channels: {
      async list(): Promise<Channel[]> {
        const rows = await db.selectFrom('alert_channels').selectAll().orderBy('created_at').orderBy(binaryOrder(dialect, 'id')).execute();
        const names = await secrets.names();
        const channels: Channel[] = [];
        for (const row of rows) {
          const c = await parseChannel(row, names);
          if (c) channels.push(c);
        }
        return channels;
      },
      get: getChannel,
      /** add (no id) or replace; the secret fields go to the secret store in the same transaction */
      async save(input: ChannelInput, id: string = newId('ch')): Promise<Channel> {
        const config: Record<string, unknown> = { ...(input.config as Record<string, unknown>) };
        const secret: Record<string, string> = {};
        for (const f of SECRET_FIELDS[input.type]) {
          if (typeof config[f] === 'string') secret[f] = config[f];
          delete config[f];
        }
        const { type, name, ...rest } = input;
        const settings = JSON.stringify({ ...rest, config });
        const t = now();
        await writeTx(db, dialect, async (tx) => {
          const s = secretsOn(tx);
          await tx
            .insertInto('alert_channels')
            .values({ id, type, name, settings, created_at: t, updated_at: t })
            .onConflict((oc) =>
              oc.column('id').doUpdateSet((eb) => ({
                type: eb.ref('excluded.type'),
                name: eb.ref('excluded.name'),
                settings: eb.ref('excluded.settings'),
                updated_at: eb.ref('excluded.updated_at'),
              })),
            )
            .execute();
          for (const n of secretNames(await s.names(), id)) await s.delete(n);
          for (const [f, v] of Object.entries(secret)) await s.put(`${secretPrefix(id)}${f}`, v);
        });
        return (await getChannel(id))!;
      },
      async delete(id: string): Promise<boolean> {
        if (matchesNothing(id)) return false;
        return writeTx(db, dialect, async (tx) => {
          const s = secretsOn(tx);
          for (const n of secretNames(await s.names(), id)) await s.delete(n);
          const r = await tx.deleteFrom('alert_channels').where('id', '=', id).executeTakeFirst();
          return Number(r.numDeletedRows) > 0;
        });
      },
    },

    silences: {
      /** the ones not over yet (current and planned) */
      async list(): Promise<SilenceView[]> {
        const rows = await db.selectFrom('alert_silences').selectAll().where('ends_at', '>', now()).orderBy('starts_at').orderBy(binaryOrder(dialect, 'id')).execute();
        return rows.map((r) => ({
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
      async add(s: Omit<SilenceView, 'id' | 'createdAt'>): Promise<SilenceView> {
        const v: SilenceView = { ...s, id: newId('si'), createdAt: now() };
        await db
          .insertInto('alert_silences')
          .values({ id: v.id, cluster_id: v.clusterId, rule: v.rule, starts_at: v.startsAt, ends_at: v.endsAt, reason: v.reason, created_by: v.createdBy, created_at: v.createdAt })
          .execute();
        return v;
      },
      async delete(id: string): Promise<boolean> {
        if (matchesNothing(id)) return false;
        const r = await db.deleteFrom('alert_silences').where('id', '=', id).executeTakeFirst();
        return Number(r.numDeletedRows) > 0;
      },
    },

    acks: {
      /** first acknowledgement wins (who and when stay) */
      async ack(key: string, by: string): Promise<{ key: string; by: string; at: number }> {
        await db
          .insertInto('alert_acks')
          .values({ key, acked_by: by, acked_at: now() })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
        return (await getAck(key))!;
      },
      get: getAck,
    },

    deliveries: {
      async record(d: NewDelivery): Promise<Delivery> {
        const { id } = await db
          .insertInto('alert_deliveries')
          .values({ at: d.at, channel_id: d.channelId, cluster_id: d.clusterId, outcome: d.outcome, json: JSON.stringify(d) })
          .returning('id')
          .executeTakeFirstOrThrow();
        return { ...d, id: Number(id) };
      },
      /** newest first */
      async list(q: Pick<DeliveryQuery, 'channel' | 'cluster' | 'outcome'> & { limit: number; offset: number }): Promise<{ deliveries: Delivery[]; total: number }> {
        const filter = (eb: ExpressionBuilder<Schema, 'alert_deliveries'>) => {
          const c: Expression<SqlBool>[] = [];
          if (q.channel !== undefined) c.push(eb('channel_id', '=', q.channel));
          if (q.cluster !== undefined) c.push(eb('cluster_id', '=', q.cluster));
          if (q.outcome !== undefined) c.push(eb('outcome', '=', q.outcome));
          return eb.and(c);
        };
        const counted = await db.selectFrom('alert_deliveries').select((eb) => eb.fn.countAll().as('n')).where(filter).executeTakeFirstOrThrow();
        const rows = await db.selectFrom('alert_deliveries').select(['id', 'json']).where(filter).orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
        const deliveries = rows.flatMap((r) => {
          const j = parseJson(r.json);
          const p = j.ok ? Delivery.safeParse({ ...(j.value as object), id: Number(r.id) }) : null;
          if (!p?.success) {
            reportCorrupt({ table: 'alert_deliveries', key: String(r.id), problem: j.ok ? 'not a delivery' : j.problem });
            return [];
          }
          return [p.data];
        });
        return { deliveries, total: Number(counted.n) };
      },
    },

    /** deliveries and acknowledgements older than maxAgeMs, silences over for that long */
    async prune({ maxAgeMs }: { maxAgeMs: number }): Promise<number> {
      const before = now() - maxAgeMs;
      return writeTx(db, dialect, async (tx) => {
        const deliveries = await tx.deleteFrom('alert_deliveries').where('at', '<', before).executeTakeFirst();
        const acks = await tx.deleteFrom('alert_acks').where('acked_at', '<', before).executeTakeFirst();
        const silences = await tx.deleteFrom('alert_silences').where('ends_at', '<', before).executeTakeFirst();
        return Number(deliveries.numDeletedRows) + Number(acks.numDeletedRows) + Number(silences.numDeletedRows);
      });
    },
  };
}
