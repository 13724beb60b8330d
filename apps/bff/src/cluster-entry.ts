// One cluster entry (an element of QUORATE_CLUSTERS, or the body of POST /api/v1/clusters) → a
// ClusterConfig: the common fields (model ClusterEntryBase), then the rest validated by the kind's own
// schema from the registry (packages/sources/src/kinds.ts), then what only this machine can check (key files).
import { BASE_KEYS, ClusterEntryBase, type ClusterOrigin } from '@quorate/model';
import { isRegisteredKind, kindOf, registeredKinds, type RegisteredKind } from '@quorate/sources';
import type { StoredCluster } from '@quorate/store';
import { HttpError } from './http-errors';

export interface ClusterConfig {
  id: string;
  name: string;
  default: boolean;
  /** the source kind (its registry key) */
  source: RegisteredKind;
  /** the kind's settings as its schema parsed them (secrets included: they stay in the BFF) */
  settings: Record<string, unknown>;
  /** QUORATE_CLUSTERS (read-only through the API), or added through the API */
  origin: ClusterOrigin;
}

/** what a kind's settings default to when an entry leaves them out (QUORATE_SIM_*, QUORATE_LAB_PREFIX) */
export type KindDefaults = Partial<Record<RegisteredKind, Record<string, unknown>>>;

export interface EntryIssue {
  path: (string | number)[];
  message: string;
}

export type EntryResult = { ok: true; cluster: ClusterConfig } | { ok: false; issues: EntryIssue[] };

const kindList = registeredKinds.map((k) => `'${k}'`).join(', ').replace(/, ([^,]+)$/, ' or $1');

function issuesOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): EntryIssue[] {
  return error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? p : String(p))), message: i.message }));
}

/** the kind's settings in an entry: everything but the common fields */
export function settingsOf(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !(BASE_KEYS as readonly string[]).includes(k)));
}

/** validate the kind's settings (defaults first, then the entry's own), then what the machine can tell */
export function parseSettings(kind: RegisteredKind, raw: Record<string, unknown>, defaults: KindDefaults): { ok: true; settings: Record<string, unknown> } | { ok: false; issues: EntryIssue[] } {
  const def = kindOf(kind);
  const parsed = def.settings.safeParse({ ...defaults[kind], ...raw });
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  const settings = parsed.data as Record<string, unknown>;
  const problems = def.check(settings);
  return problems.length > 0 ? { ok: false, issues: problems } : { ok: true, settings };
}

export function parseClusterEntry(raw: unknown, defaults: KindDefaults, origin: ClusterOrigin): EntryResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, issues: [{ path: [], message: 'a cluster entry is an object: {"id": ..., "source": ..., ...}' }] };
  const base = ClusterEntryBase.safeParse(raw);
  if (!base.success) return { ok: false, issues: issuesOf(base.error) };
  const { id, name, source, default: isDefault } = base.data;
  if (!isRegisteredKind(source)) {
    return { ok: false, issues: [{ path: ['source'], message: kindList }] };
  }
  const settings = parseSettings(source, settingsOf(raw as Record<string, unknown>), defaults);
  if (!settings.ok) return settings;
  return { ok: true, cluster: { id, name: name ?? id, default: isDefault === true, source, settings: settings.settings, origin } };
}

/** a cluster added through the API, read back with its secrets: its config, or why it cannot be used */
export async function storedClusterConfig(
  row: StoredCluster,
  secrets: () => Promise<Record<string, string>>,
): Promise<{ ok: true; cluster: ClusterConfig } | { ok: false; why: string }> {
  if (!isRegisteredKind(row.kind)) return { ok: false, why: `its source '${row.kind}' is not known to this version` };
  let values: Record<string, string>;
  try {
    values = await secrets();
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  }
  const withSecrets = kindOf(row.kind).giveSecrets(row.settings, values) as Record<string, unknown>;
  const settings = parseSettings(row.kind, withSecrets, {});
  if (!settings.ok) return { ok: false, why: settings.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { ok: true, cluster: { id: row.id, name: row.name, default: row.isDefault, source: row.kind, settings: settings.settings, origin: 'runtime' } };
}

/** the REST answer to an entry that does not validate: 400 with each issue at its path */
export function invalidCluster(issues: EntryIssue[]): HttpError {
  return new HttpError(
    400,
    `invalid cluster: ${issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ')}`,
    issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

/** "QUORATE_CLUSTERS[0].nodes[1].hostKey: ..." */
export function issuesText(prefix: string, issues: EntryIssue[]): string {
  return issues.map((i) => `${prefix}${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}: ${i.message}`).join('; ');
}
