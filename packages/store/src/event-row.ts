// One stored event row back into a ClusterEvent, for the SQLite store and the SQL (SQLite or PostgreSQL) store
// alike: a row that is not valid JSON or not a valid event is reported (where, and what is wrong) and skipped.
import { ClusterEvent } from '@quorate/model';
import { parseJson, type CorruptReporter } from './corrupt';

export type EventRow = { cluster_id: string; seq: number; json: string };

export function eventFromRow(row: EventRow, reportCorrupt: CorruptReporter): ClusterEvent | null {
  const key = `${row.cluster_id}#${row.seq}`;
  const json = parseJson(row.json);
  if (!json.ok) {
    reportCorrupt({ table: 'events', key, problem: json.problem });
    return null;
  }
  const r = ClusterEvent.safeParse({ ...(json.value as object), seq: row.seq, clusterId: row.cluster_id });
  if (!r.success) {
    reportCorrupt({ table: 'events', key, problem: r.error.issues.map((i) => i.message).join('; ') });
    return null;
  }
  return r.data;
}
