// What the routes share: the store, the clusters, the socket server, the login limiter, the audit helper.
import type { Request } from 'express';
import type { Store, AuditResult } from '@quorate/store';
import type { Identity } from './auth/identity';
import { actorOf } from './auth/identity';
import type { OriginPolicy } from './auth/origin';
import type { LoginLimiter } from './auth/rate-limit';
import type { ClusterRegistry } from './clusters';
import type { Config } from './config';
import type { GatewayServer } from './gateway';
import type { Logger } from './logger';
import type { Checkpoint } from './persistence/checkpoint';

export interface AppContext {
  config: Config;
  store: Store;
  clusters: ClusterRegistry;
  logger: Logger;
  io: GatewayServer;
  limiter: LoginLimiter;
  origins: OriginPolicy;
  checkpoints: Map<string, Checkpoint>;
  /** clusters with an operation in progress (one at a time per cluster) */
  busy: Set<string>;
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
export function audit(ctx: AppContext, who: Identity, entry: AuditEntry): void {
  try {
    ctx.store.audit.record({ actor: actorOf(who), role: who.role, confirmed: false, ...entry });
  } catch (err) {
    ctx.logger.error({ err, operation: entry.operation }, 'could not write the audit record');
  }
}

/** cookies get Secure when the page came over TLS (directly, or per a trusted proxy's X-Forwarded-Proto) */
export const secureRequest = (req: Request): boolean => req.secure;
