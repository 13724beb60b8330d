// "Test" before a pve cluster is added: each step of first contact in words, so the admin can fix the
// one that failed — reach (DNS, refused, timeout), TLS (the certificate to compare and accept, or a
// mismatch with both fingerprints), auth (401: the token), cluster/status (403: Sys.Audit), resources
// (403: Datastore.Audit), permissions (the token's own effective privileges from /access/permissions: a
// missing Sys.Audit on / or Datastore.Audit on /storage fails; a missing VM.Audit on /vms is a warning, as
// PVE then leaves guests out without an error and the cluster view still works). The token is sent only to
// a URL whose certificate is trusted (pin or CA). Nothing is stored; the secret is never in a message.
import { PveClient } from './client';
import type { PveApiSettings } from './kind';
import { missingPrivileges, parsePermissions } from './permissions';
import { StatusRow } from './schemas';
import { HttpsTransport, PveError, normalizeFingerprint, probeCertificate, readCa, tokenAuthorizer, type HttpsTarget, type PresentedCertificate } from './transport';

export type ConnectStepName = 'reach' | 'tls' | 'auth' | 'cluster-status' | 'resources' | 'permissions';

export interface ConnectStep {
  name: ConnectStepName;
  ok: boolean;
  message: string;
  /** passed, but something is missing that the admin should know (ok stays true) */
  warning?: boolean;
}

export interface ConnectCertificate {
  url: string;
  fingerprint: string;
  subject: string;
  issuer: string;
  validTo: string;
}

export interface ConnectResult {
  ok: boolean;
  steps: ConnectStep[];
  /** what the admin should compare and accept (nothing pinned yet, or a mismatch) */
  certificate?: ConnectCertificate;
  /** nodeList: each node's name and the address /cluster/status gives (the SSH form starts from it) */
  summary?: { clusterName: string; nodes: number; quorate: boolean; nodeList: { name: string; ip: string | null }[] };
}

const oneLine = (s: string) => s.replace(/\n/g, ', ');

function reachText(e: PveError, url: string): string {
  const host = (() => {
    try {
      return new URL(url).hostname;
    } catch {
      return url;
    }
  })();
  switch (e.kind) {
    case 'dns':
      return `${url}: the name ${host} does not resolve (DNS): check the spelling, or use the node's IP address`;
    case 'refused':
      return `${url}: connection refused: nothing listens on that port (pveproxy listens on 8006; is it running, is a firewall rejecting?)`;
    case 'timeout':
      return `${url}: no answer in time (timeout): a firewall dropping packets, a wrong address, or pveproxy hanging`;
    default:
      return `${url}: ${e.message}`;
  }
}

function pinFor(api: PveApiSettings, url: string): string | null {
  if (typeof api.fingerprint === 'string') return api.fingerprint;
  if (api.fingerprint && api.fingerprint[url]) return api.fingerprint[url]!;
  return null;
}

/** probe every URL, then call the API through those whose certificate is trusted */
export async function testConnection(api: PveApiSettings, opts: { timeoutMs?: number } = {}): Promise<ConnectResult> {
  const timeoutMs = opts.timeoutMs ?? api.timeoutMs ?? 5000;
  const steps: ConnectStep[] = [];
  const result: ConnectResult = { ok: false, steps };
  if (api.replay !== undefined || !api.urls || !api.tokenId) {
    steps.push({ name: 'reach', ok: false, message: 'testing needs API URLs and a token id (not a replay directory)' });
    return result;
  }
  let ca: string | null = null;
  if (api.caFile !== undefined) {
    try {
      ca = readCa(api.caFile);
    } catch (err) {
      steps.push({ name: 'tls', ok: false, message: `CA file ${api.caFile} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
      return result;
    }
  }

  const trusted: HttpsTarget[] = [];
  for (const url of api.urls) {
    let cert: PresentedCertificate;
    try {
      cert = await probeCertificate(url, timeoutMs);
    } catch (err) {
      const e = err instanceof PveError ? err : new PveError('network', `${url}: ${(err as Error).message}`);
      steps.push({ name: 'reach', ok: false, message: reachText(e, url) });
      continue;
    }
    steps.push({ name: 'reach', ok: true, message: `${url}: reachable, speaks TLS` });
    const shown: ConnectCertificate = { url, fingerprint: cert.fingerprint, subject: oneLine(cert.subject), issuer: oneLine(cert.issuer), validTo: cert.validTo };
    if (ca !== null) {
      // the chain is verified by the API call below (a failure there is a TLS step)
      trusted.push({ url, trust: { kind: 'ca', ca } });
      continue;
    }
    const pin = pinFor(api, url);
    if (pin === null) {
      result.certificate ??= shown;
      steps.push({ name: 'tls', ok: false, message: `${url}: certificate not trusted yet: fingerprint ${cert.fingerprint} (${shown.subject}); compare it with the node's (Datacenter → node → System → Certificates, or pvenode cert info) and accept it. The token was not sent.` });
      continue;
    }
    const expected = normalizeFingerprint(pin) ?? pin;
    if (expected !== cert.fingerprint) {
      result.certificate ??= shown;
      steps.push({ name: 'tls', ok: false, message: `${url}: certificate mismatch: expected ${expected}, presented ${cert.fingerprint}; a different certificate (renewed, or someone in between). The token was not sent.` });
      continue;
    }
    steps.push({ name: 'tls', ok: true, message: `${url}: certificate matches the fingerprint` });
    trusted.push({ url, trust: { kind: 'fingerprint', fingerprint: expected } });
  }
  if (trusted.length === 0) return result;

  const secret = api.tokenSecret ?? '';
  const client = new PveClient(new HttpsTransport({ targets: trusted, auth: tokenAuthorizer(api.tokenId, () => secret), timeoutMs }));
  let status: unknown;
  try {
    status = await client.get('cluster/status');
  } catch (err) {
    const e = err as PveError;
    if (e.kind === 'tls') steps.push({ name: 'tls', ok: false, message: `${e.message}: the certificate is not signed by the CA file ${api.caFile ?? ''}`.trim() });
    else if (e.detail?.status === 401) steps.push({ name: 'auth', ok: false, message: e.message });
    else if (e.detail?.status === 403) {
      steps.push({ name: 'auth', ok: true, message: 'the token is accepted' });
      steps.push({ name: 'cluster-status', ok: false, message: e.message });
      steps.push(await permissionsStep(client));
    } else steps.push({ name: 'cluster-status', ok: false, message: e.message ?? String(err) });
    return result;
  }
  if (ca !== null) steps.push({ name: 'tls', ok: true, message: 'the certificate is signed by the CA file' });
  steps.push({ name: 'auth', ok: true, message: 'the token is accepted' });
  const rows = (Array.isArray(status) ? status : []).flatMap((r) => {
    const p = StatusRow.safeParse(r);
    return p.success ? [p.data] : [];
  });
  const cluster = rows.find((r) => r.type === 'cluster');
  const nodes = rows.filter((r) => r.type === 'node');
  // a standalone node has no cluster row: it is its own "cluster", always quorate
  const summary = {
    clusterName: cluster?.name ?? nodes[0]?.name ?? '(unnamed)',
    nodes: nodes.length,
    quorate: cluster ? cluster.quorate : true,
    nodeList: nodes.map((n) => ({ name: n.name, ip: n.ip ?? null })),
  };
  result.summary = summary;
  steps.push({ name: 'cluster-status', ok: true, message: `${cluster ? `cluster ${summary.clusterName}` : `standalone node ${summary.clusterName}`}: ${summary.nodes} node${summary.nodes === 1 ? '' : 's'}, ${summary.quorate ? 'quorate' : 'NOT quorate'}` });
  try {
    await client.get('cluster/resources');
    steps.push({ name: 'resources', ok: true, message: 'storage can be read' });
  } catch (err) {
    steps.push({ name: 'resources', ok: false, message: (err as Error).message });
  }
  steps.push(await permissionsStep(client));
  result.ok = steps.every((s) => s.ok);
  return result;
}

/** the token's own effective privileges, each missing one named with what it costs */
async function permissionsStep(client: PveClient): Promise<ConnectStep> {
  let data: unknown;
  try {
    data = await client.get('access/permissions', { allowMissing: true });
  } catch (err) {
    return { name: 'permissions', ok: true, warning: true, message: `the token's privileges could not be read (${(err as Error).message}); they were not checked` };
  }
  const perms = data === undefined ? null : parsePermissions(data);
  if (perms === null) return { name: 'permissions', ok: true, warning: true, message: "the token's privileges could not be read (GET /access/permissions gave no privilege map); they were not checked" };
  const missing = missingPrivileges(perms);
  if (missing.length === 0) return { name: 'permissions', ok: true, message: 'the token has Sys.Audit on /, Datastore.Audit on /storage and VM.Audit on /vms' };
  const text = missing
    .map((m) => `missing ${m.priv} on ${m.path}${m.coverage === 'some' ? ' (granted only below it)' : ''}: ${m.without}`)
    .join('; ');
  const fails = missing.some((m) => m.required);
  return { name: 'permissions', ok: !fails, ...(fails ? {} : { warning: true }), message: `${text}. Grant it with pveum acl modify <path> --tokens <token id> --roles PVEAuditor (with privilege separation the token needs it as well as its user)` };
}
