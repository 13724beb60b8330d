// One stored event row back into a ClusterEvent (for sql/events.ts): a row that is not valid JSON or not a
// valid event is reported (where, and what is wrong) and skipped.
import { ClusterEvent } from '@quorate/model';
import { parseJson, type CorruptReporter } from './corrupt';

export type EventRow = { cluster_id: string; seq: number; json: string };

/** A page of rows read after `since`: the valid events, and next = the last seq examined (corrupt rows are
 * skipped but still advance it, so a reader never loops on them), or `since` when there were none. */
export function eventPage(rows: readonly EventRow[], since: number, reportCorrupt: CorruptReporter): { events: ClusterEvent[]; next: number } {
  const events: ClusterEvent[] = [];
  for (const row of rows) {
    const e = eventFromRow(row, reportCorrupt);
    if (e) events.push(e);
  }
  return { events, next: rows.at(-1)?.seq ?? since };
}

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
