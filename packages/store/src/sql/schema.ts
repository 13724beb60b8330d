// Row types of the SQL store's tables, one definition for SQLite and PostgreSQL (the DDL is in migrations.ts).
// Integers are JS numbers on both engines: open.ts parses PostgreSQL's bigint, and every value here is a
// seq, a fencing token or a time in ms, far below 2^53.
import type { Generated } from 'kysely';

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

// The tables below mirror the SQLite store's (../migrations.ts, versions 1–5) column for column; on SQLite
// the SQL store uses those very tables, on PostgreSQL migrations.ts creates their equivalent.
// Flags (0/1) are numbers on both engines; BLOBs are Buffers (bytea on PostgreSQL).
export interface UsersTable {
  id: string;
  /** unique case-insensitively (COLLATE NOCASE / a unique index on lower(username)) */
  username: string;
  password_hash: string;
  role: string;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  /** SHA-256 of the cookie value; the raw id is never stored */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  ttl_ms: number;
  expires_at: number;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  created_at: number;
  created_by: string;
  last_used_at: number | null;
  static: number;
}

export interface AuditTable {
  id: Generated<number>;
  at: number;
  actor_kind: string;
  actor_id: string;
  actor_name: string;
  role: string;
  operation: string;
  cluster_id: string | null;
  params: string;
  confirmed: number;
  result: string;
  message: string;
  task_log: string | null;
}

export interface SecretsTable {
  name: string;
  key_id: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
  updated_at: number;
}

export interface KvTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface ClustersTable {
  id: string;
  name: string;
  kind: string;
  is_default: number;
  settings: string;
  created_at: number;
  updated_at: number;
  removed_at: number | null;
}

export interface TasksTable {
  id: string;
  cluster_id: string;
  operation: string;
  status: string;
  started_at: number;
  json: string;
}

export interface LinkRollupsTable {
  cluster_id: string;
  minute: number;
  a: number;
  b: number;
  link: number;
  avg_us: number | null;
  max_us: number | null;
  loss_ppm: number | null;
  loss_max_ppm: number | null;
}

export interface AlertChannelsTable {
  id: string;
  type: string;
  name: string;
  settings: string;
  created_at: number;
  updated_at: number;
}

export interface AlertSilencesTable {
  id: string;
  cluster_id: string | null;
  rule: string | null;
  starts_at: number;
  ends_at: number;
  reason: string;
  created_by: string;
  created_at: number;
}

export interface AlertAcksTable {
  key: string;
  acked_by: string;
  acked_at: number;
}

export interface AlertDeliveriesTable {
  id: Generated<number>;
  at: number;
  channel_id: string;
  cluster_id: string | null;
  outcome: string;
  json: string;
}

export interface TimelineKeyframesTable {
  id: Generated<number>;
  cluster_id: string;
  at: number;
  rev: number;
  chain_start: number;
  quorate: number | null;
  nodes_online: number;
  state: string;
  transition: number;
  patches: Generated<number>;
  bytes: Generated<number>;
}

export interface TimelineKeyframeDataTable {
  keyframe_id: number;
  data: Buffer;
}

export interface TimelinePatchesTable {
  keyframe_id: number;
  rev: number;
  base_rev: number;
  at: number;
  quorate: number | null;
  nodes_online: number;
  state: string;
  transition: number;
  data: Buffer;
}

export interface Schema {
  event_seq: EventSeqTable;
  events: EventsTable;
  leases: LeasesTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit: AuditTable;
  secrets: SecretsTable;
  kv: KvTable;
  clusters: ClustersTable;
  tasks: TasksTable;
  link_rollups: LinkRollupsTable;
  alert_channels: AlertChannelsTable;
  alert_silences: AlertSilencesTable;
  alert_acks: AlertAcksTable;
  alert_deliveries: AlertDeliveriesTable;
  timeline_keyframes: TimelineKeyframesTable;
  timeline_keyframe_data: TimelineKeyframeDataTable;
  timeline_patches: TimelinePatchesTable;
}

export type Dialect = 'sqlite' | 'postgres';
