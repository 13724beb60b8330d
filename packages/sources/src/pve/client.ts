// The API client: one call (GET; POST/DELETE over HTTPS) → the reply's `data`, or a PveError whose message
// says what to do. Status codes as PVE uses them: 401 (empty body; wrong token or a missing PVEAPIToken=
// prefix), 403 (a missing privilege: named from the endpoint table; root@pam only for POST/DELETE),
// 595/596 (the answering node could not reach {node}: that node is unreachable, not the cluster), 404 (no
// such endpoint/file: the caller decides). Older servers put the error text only in the status line; newer
// ones add "message" in the body.
import { Envelope } from './schemas';
import { PveError, type PveForm, type PveMethod, type PveReply, type PveTransport } from './transport';

/** the privilege each endpoint this source reads needs (fixtures README, "Endpoints: privileges") */
export const PRIVILEGES: Record<string, string> = {
  'cluster/status': 'Sys.Audit on /',
  'cluster/config/nodes': 'Sys.Audit on /',
  'cluster/config/qdevice': 'Sys.Audit on /',
  'cluster/config/totem': 'Sys.Audit on /',
  'cluster/resources': 'Datastore.Audit on /storage (rows are filtered per storage), Sys.Audit on /nodes and VM.Audit on /vms (guests are filtered per guest)',
  'cluster/ha/status/current': 'Sys.Audit on /',
  'cluster/ceph/status': 'Sys.Audit or Datastore.Audit on /',
  storage: 'Datastore.Audit on /storage (storages are filtered per storage)',
  'access/permissions': 'no privilege (any token may read its own)',
  'cluster/config/join': 'Sys.Audit on /',
};

export function privilegeFor(path: string): string {
  const p = path.split('?')[0]!;
  if (PRIVILEGES[p]) return PRIVILEGES[p];
  if (/^nodes\/[^/]+\/storage$/.test(p)) return 'Datastore.Audit on /storage';
  const node = /^nodes\/([^/]+)\/status$/.exec(p)?.[1];
  if (node !== undefined) return `Sys.Audit on /nodes/${decodeURIComponent(node)}`;
  return 'Sys.Audit on /';
}

/** the error text a reply carries: "message" in the body (http-server ≥ 5.2.0), else the status line */
export function errorText(reply: PveReply): string {
  try {
    const b = JSON.parse(reply.body) as { message?: unknown; errors?: Record<string, unknown> };
    if (typeof b.message === 'string' && b.message.trim()) return b.message.trim();
    if (b.errors && typeof b.errors === 'object') return Object.entries(b.errors).map(([k, v]) => `${k}: ${String(v).trim()}`).join('; ');
  } catch {
    // empty or not JSON (401 bodies are empty)
  }
  return reply.reason;
}

/** what a 401 means for the credentials this client sends (a token by default) */
const TOKEN_401 = 'wrong token or missing PVEAPIToken= prefix (tokenId is USER@REALM!TOKENID, the secret is the UUID shown once)';

export class PveClient {
  constructor(
    readonly transport: PveTransport,
    /** the words after a 401: what is wrong with the credentials (a ticket client says its own) */
    private readonly on401: string = TOKEN_401,
  ) {}

  /** the reply's `data`; 404 → undefined when allowMissing */
  get(path: string, opts: { allowMissing?: boolean } = {}): Promise<unknown> {
    return this.call('GET', path, undefined, opts);
  }

  /** POST with a form body: the reply's `data` (a UPID for a task) */
  post(path: string, form: PveForm = {}): Promise<unknown> {
    return this.call('POST', path, form);
  }

  /** DELETE: the reply's `data` (null, or a UPID) */
  delete(path: string): Promise<unknown> {
    return this.call('DELETE', path);
  }

  private async call(method: PveMethod, path: string, form?: PveForm, opts: { allowMissing?: boolean } = {}): Promise<unknown> {
    const at = `${method} /${path}`;
    let reply: PveReply;
    if (method === 'GET') reply = await this.transport.get(path);
    else if (this.transport.request) reply = await this.transport.request(method, path, form);
    else throw new PveError('invalid', `${at}: ${this.transport.describe} cannot send ${method} (a replay directory is read-only)`);
    if (reply.status >= 200 && reply.status < 300) {
      let json: unknown;
      try {
        json = JSON.parse(reply.body);
      } catch {
        throw new PveError('invalid', `${at}: the reply is not JSON`, { status: reply.status });
      }
      const env = Envelope.safeParse(json);
      if (!env.success) throw new PveError('invalid', `${at}: the reply has no "data"`, { status: reply.status });
      return env.data.data;
    }
    if (reply.status === 404 && opts.allowMissing) return undefined;
    const text = errorText(reply);
    switch (reply.status) {
      case 401:
        throw new PveError('http', `401 ${text || 'Authentication failed'} (${at}): ${this.on401}`, { status: 401 });
      case 403:
        // the cluster-changing calls declare no permissions: PVE allows them to root@pam only (facts §1.1)
        if (method !== 'GET') throw new PveError('http', `403 ${text || 'Permission check failed'} (${at}): only root@pam may do this (a ticket from root@pam's password; an API token, even root@pam's, is refused)`, { status: 403 });
        throw new PveError('http', `403 ${text || 'Permission check failed'} (${at}): the token needs ${privilegeFor(path)} (with privilege separation, grant it to the token as well as the user)`, { status: 403 });
      case 595:
      case 596: {
        const node = /^nodes\/([^/]+)/.exec(path)?.[1];
        throw new PveError('http', `${reply.status} ${text}: ${node ? `node ${node} is unreachable from the answering node` : 'the answering node could not reach the target node'} (${at})`, { status: reply.status });
      }
      default:
        throw new PveError('http', `${reply.status} ${text} (${at})`, { status: reply.status });
    }
  }
}
