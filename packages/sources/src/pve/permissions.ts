// The token's own effective permissions (GET /access/permissions: path → {privilege: propagate 0/1}; any
// token may read its own — pve-access-control API2/AccessControl.pm `permissions`). /cluster/resources and
// /storage filter what the token may not see without an error, so this is the only way to tell "no guests"
// from "not allowed to see guests". The reply always lists the top paths (/, /nodes, /storage, /vms, …)
// with their effective (inherited) privileges, plus every path with an ACL.
import { Permissions } from './schemas';

export type Coverage = 'all' | 'some' | 'none';

/** the reply, or null when it is not the documented map */
export function parsePermissions(data: unknown): Permissions | null {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  const p = Permissions.safeParse(data);
  return p.success ? p.data : null;
}

/** whether `priv` holds on `top` ('all'), only on paths below it (or pools, for VM./Datastore.) ('some'), or nowhere */
export function coverage(perms: Permissions, top: string, priv: string): Coverage {
  if (perms[top]?.[priv] !== undefined) return 'all';
  const prefix = top === '/' ? '/' : `${top}/`;
  const below = Object.entries(perms).some(([path, privs]) => path !== top && (path.startsWith(prefix) || path.startsWith('/pool/')) && privs[priv] !== undefined);
  return below ? 'some' : 'none';
}

export interface PrivilegeCheck {
  priv: string;
  path: string;
  /** what is lost without it */
  without: string;
  /** true: the dashboard cannot work without it; false: a part is missing */
  required: boolean;
}

/** what the pve source reads, by privilege (client.ts PRIVILEGES per endpoint) */
export const NEEDED: PrivilegeCheck[] = [
  { priv: 'Sys.Audit', path: '/', without: 'cluster status, nodes, quorum, HA and Ceph cannot be read', required: true },
  { priv: 'Datastore.Audit', path: '/storage', without: 'storages are left out of /cluster/resources and /storage without an error', required: true },
  { priv: 'VM.Audit', path: '/vms', without: 'guests are left out of /cluster/resources without an error (guest counts unknown); the cluster view still works', required: false },
];

export interface Missing extends PrivilegeCheck {
  coverage: Coverage;
}

export function missingPrivileges(perms: Permissions): Missing[] {
  return NEEDED.flatMap((n) => {
    const c = coverage(perms, n.path, n.priv);
    return c === 'all' ? [] : [{ ...n, coverage: c }];
  });
}
