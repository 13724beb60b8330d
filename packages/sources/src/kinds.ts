// The registry of source kinds: kind → settings schema + factory (kind.ts). A new kind is one folder
// under packages/sources/src/ and one line here.
import type { z } from 'zod';
import type { SourceKind } from '@quorate/model';
import type { SourceKindDef } from './kind';
import { labKind } from './lab/kind';
import { simKind } from './sim/kind';
import { pveKind } from './pve/kind';
import { sshKind } from './ssh/kind';

export const sourceKinds = {
  sim: simKind,
  lab: labKind,
  ssh: sshKind,
  pve: pveKind,
} as const satisfies Partial<Record<SourceKind, SourceKindDef>>;

export type RegisteredKind = keyof typeof sourceKinds;
export const registeredKinds = Object.keys(sourceKinds) as RegisteredKind[];

/** a kind's parsed settings */
export type KindSettings<K extends RegisteredKind> = z.infer<(typeof sourceKinds)[K]['settings']>;

export function isRegisteredKind(kind: string): kind is RegisteredKind {
  return Object.hasOwn(sourceKinds, kind);
}

/** the kind's definition, typed loosely for code that handles every kind alike (validated settings in, source out) */
export function kindOf(kind: RegisteredKind): SourceKindDef {
  return sourceKinds[kind] as SourceKindDef;
}
