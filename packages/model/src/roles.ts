// Role order, without zod: the page imports it without pulling the schemas into its bundle.
export type RoleName = 'viewer' | 'operator' | 'admin';

/** ordered: each role can do everything the one before it can */
export const ROLE_ORDER: readonly RoleName[] = ['viewer', 'operator', 'admin'];

export function hasRole(role: RoleName | null | undefined, needed: RoleName): boolean {
  return role !== null && role !== undefined && ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(needed);
}
