// Audit trail of operations (the record: ../audit.ts), on SQLite or PostgreSQL. id is an autoincrement on both
// (INTEGER PRIMARY KEY AUTOINCREMENT / bigserial), read back with RETURNING.
import { z } from 'zod';
import type { SelectQueryBuilder } from 'kysely';
import { AuditInput, AuditListQuery, auditColumns, auditRecordOf } from '../audit';
import type { AuditList, AuditRecord } from '../audit';
import { parseInput } from '../errors';
import type { SqlContext } from './contract';
import type { Schema } from './schema';
import { matchesNothing } from './text';

export type AuditStore = ReturnType<typeof createAuditStore>;

export function createAuditStore(ctx: SqlContext) {
  const { db, now, reportCorrupt } = ctx;
  return {
    async record(input: AuditInput): Promise<AuditRecord> {
      const a = parseInput(AuditInput, input, 'audit record');
      const at = a.at ?? now();
      const { id } = await db.insertInto('audit').values(auditColumns(a, at)).returning('id').executeTakeFirstOrThrow();
      return { ...a, id, at };
    },

    /** Newest first, with the total number of matching records. */
    async list(query: AuditListQuery): Promise<AuditList> {
      const q = parseInput(AuditListQuery, query, 'audit query');
      if ([q.clusterId, q.operation, q.actor].some((v) => v !== undefined && matchesNothing(v))) return { records: [], total: 0 };
      const matching = <O>(qb: SelectQueryBuilder<Schema, 'audit', O>) =>
        qb
          .$if(q.clusterId !== undefined, (b) => b.where('cluster_id', '=', q.clusterId!))
          .$if(q.operation !== undefined, (b) => b.where('operation', '=', q.operation!))
          .$if(q.result !== undefined, (b) => b.where('result', '=', q.result!))
          .$if(q.actor !== undefined, (b) => b.where((eb) => eb.or([eb('actor_id', '=', q.actor!), eb('actor_name', '=', q.actor!)])));
      const { n } = await matching(db.selectFrom('audit').select((eb) => eb.fn.countAll<number>().as('n'))).executeTakeFirstOrThrow();
      const rows = await matching(db.selectFrom('audit').selectAll())
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(q.limit)
        .offset(q.offset ?? 0)
        .execute();
      const records: AuditRecord[] = [];
      for (const row of rows) {
        const r = auditRecordOf(row, reportCorrupt);
        if (r) records.push(r);
      }
      return { records, total: Number(n) };
    },

    /** Retention: deletes records older than maxAgeMs. Returns the number deleted. */
    async prune({ maxAgeMs }: { maxAgeMs: number }): Promise<number> {
      parseInput(z.number().min(0), maxAgeMs, 'maxAgeMs');
      const r = await db.deleteFrom('audit').where('at', '<', now() - maxAgeMs).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
