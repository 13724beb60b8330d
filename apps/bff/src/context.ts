// What the routes share: the store, the clusters, the socket server, sign-in throttling, the audit helper.
import type { Request } from 'express';
import type { Store, AuditResult } from '@quorate/store';
import type { Identity } from './auth/identity';
import { actorOf } from './auth/identity';
import type { OriginPolicy } from './auth/origin';
import type { SignInGuard } from './auth/sign-in-guard';
import type { AnonymousFailures } from './audit/anonymous-failures';
import { markAudited } from './audit/attempts';
import type { ClusterRegistry } from './clusters';
import type { Config } from './config';
import type { GatewayServer } from './gateway';
import type { Logger } from './logger';
import type { ClusterAdmin } from './cluster-admin';
import type { TaskRunner } from './tasks/runner';
import type { SshIdentityCache } from './ssh-identity';

export interface AppContext {
  config: Config;
  store: Store;
  clusters: ClusterRegistry;
  logger: Logger;
  io: GatewayServer;
  signIn: SignInGuard;
  /** signs device cookies (browsers that signed in before) */
  deviceKey: Buffer;
  /** unknown callers' failures, one audit record per address and window */
  anonymous: AnonymousFailures;
  origins: OriginPolicy;
  /** long operations: 202, then a task (socket `task`, GET /api/v1/tasks) */
  tasks: TaskRunner;
  /** clusters added, changed and removed at runtime */
  clusterAdmin: ClusterAdmin;
  /** clusters with an operation in progress (one at a time per cluster) */
  busy: Set<string>;
  /** Quorate's own SSH key (made on the first ask) */
  ssh: SshIdentityCache;
}

export interface AuditEntry {
  operation: string;
  clusterId: string | null;
  /** redacted: never passwords or tokens */
  params: Record<string, unknown>;
  confirmed?: boolean;
  result: AuditResult;
  message: string;
  taskLog?: string[];
}

/** one line in the audit trail; a failing audit write is logged and does not undo what was done */
export async function audit(ctx: AppContext, who: Identity, entry: AuditEntry): Promise<void> {
  markAudited();
  try {
    await ctx.store.audit.record({ actor: actorOf(who), role: who.role, confirmed: false, ...entry });
  } catch (err) {
    ctx.logger.error({ err, operation: entry.operation }, 'could not write the audit record');
  }
}

/** cookies get Secure when the page came over TLS (directly, or per a trusted proxy's X-Forwarded-Proto) */
export const secureRequest = (req: Request): boolean => req.secure;

/** the caller's address (a trusted proxy's X-Forwarded-For under QUORATE_TRUST_PROXY) */
export const clientIp = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';
