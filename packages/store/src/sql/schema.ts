// Row types of the SQL store's tables, one definition for SQLite and PostgreSQL (the DDL is in migrations.ts).
// Integers are JS numbers on both engines: open.ts parses PostgreSQL's bigint, and every value here is a
// seq, a fencing token or a time in ms, far below 2^53.
export interface EventSeqTable {
  cluster_id: string;
  /** highest seq ever assigned; pruning never lowers it, so a seq is never reused */
  last_seq: number;
}

export interface EventsTable {
  cluster_id: string;
  seq: number;
  /** ms since epoch */
  at: number;
  type: string;
  severity: string;
  /** the EventDraft (at, severity, message, body); seq and cluster_id come from the columns */
  json: string;
}

export interface LeasesTable {
  cluster_id: string;
  holder: string;
  /** fencing token: grows with every new grant, never reset (release keeps the row) */
  token: number;
  /** ms since epoch; the lease is free from this moment */
  expires_at: number;
}

export interface Schema {
  event_seq: EventSeqTable;
  events: EventsTable;
  leases: LeasesTable;
}

export type Dialect = 'sqlite' | 'postgres';
