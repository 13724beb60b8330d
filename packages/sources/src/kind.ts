// What a source kind is: its settings schema (validated at the edge: QUORATE_CLUSTERS and
// POST /api/v1/clusters), which of those settings are secrets, and the factory. The registry (kinds.ts)
// lists every kind; a new kind is one folder under packages/sources/src/ and one line there.
import type { z } from 'zod';
import type { SourceKind } from '@quorate/model';
import type { LabOperationsFactory } from './lab/operations';
import type { ClusterSource } from './source';

export interface KindContext {
  /** the BFF's id of the cluster (room names, query values) */
  clusterId: string;
  /** shown in the dashboard */
  name: string;
  /** warnings in words, for the BFF's log (never secrets) */
  log: (line: string) => void;
  /** what the previous process's source exported (StateExport), when the kind can resume */
  resume?: unknown;
  /** Quorate's own SSH private key (made once by the BFF, kept encrypted), for SSH settings without a key of their own */
  sshIdentity?: () => string | null;
  /** the lab's join, create and delnode (tools/lab's, handed in by the BFF); without it a lab only watches */
  labOperations?: LabOperationsFactory;
}

/** one problem with a cluster's settings, at a path inside them */
export interface SettingsIssue {
  path: (string | number)[];
  message: string;
}

export interface SourceKindDef<S extends z.ZodType = z.ZodType> {
  kind: SourceKind;
  /** in words, for the page and errors: "simulator", "Corosync over SSH" */
  title: string;
  /** the kind's settings: everything of a cluster entry but id, name, source and default */
  settings: S;
  /** the secrets in a settings value (name → value) and the settings without them; a kind without secrets returns {} */
  takeSecrets(settings: z.infer<S>): { settings: z.infer<S>; secrets: Record<string, string> };
  /** the settings with their secrets put back (the inverse of takeSecrets) */
  giveSecrets(settings: z.infer<S>, secrets: Record<string, string>): z.infer<S>;
  /** what the schema cannot see: files on this machine (key file modes); [] when fine */
  check(settings: z.infer<S>): SettingsIssue[];
  /** the source; it must not connect or throw for an unreachable cluster (it reports itself down instead) */
  create(settings: z.infer<S>, ctx: KindContext): ClusterSource;
}

/** a kind without secrets or machine checks */
export const noSecrets = {
  takeSecrets: <T>(settings: T) => ({ settings, secrets: {} }),
  giveSecrets: <T>(settings: T) => settings,
  check: () => [],
};

/** keeps the settings type of each kind (so its factory gets what its schema parsed) */
export function defineKind<S extends z.ZodType>(def: SourceKindDef<S>): SourceKindDef<S> {
  return def;
}
