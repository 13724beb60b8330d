// The 'pve' kind: a Proxmox VE 7/8/9 cluster over its HTTP API (API token), or a replay directory of
// recorded replies. Entries are flat, so `api` and `ssh` are settings keys:
//   {"id","name","source":"pve","api":{"urls":[…],"tokenId","tokenSecret"|"tokenSecretFile","fingerprint"|"caFile"}}
//   {"id","source":"pve","api":{"replay":"DIR"}}
//   optional "ssh": {user, port, keyPath|privateKey, nodes:[{name, host, hostKey}]} (ssh-settings.ts): Corosync
//   over SSH beside the API (with-corosync.ts), for links, exact quorum options and push-speed changes.
// Over HTTPS the source can join, create and delnode (root@pam passwords come with each call, never stored).
// The token secret and an inline SSH key are secrets (stored encrypted as "api.tokenSecret" and
// "ssh.privateKey", never returned).
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { deferredSource } from '../deferred';
import { defineKind, type SettingsIssue } from '../kind';
import { checkKeyFile, createSshCorosyncSource } from '../ssh/source';
import type { SourceCapabilities } from '../source';
import { pveAdvisorFacts } from './advisor-facts';
import { PveClient } from './client';
import { PveCreate } from './create';
import { PveDelnode } from './delnode';
import { PveJoin } from './join';
import { PveSource } from './source';
import { PveSshSettings, sshClusterConfig } from './ssh-settings';
import { PveWithCorosync } from './with-corosync';
import { HttpsTransport, ReplayTransport, normalizeFingerprint, readCa, tokenAuthorizer, type HttpsTarget, type PveTransport, type Trust } from './transport';

const Fingerprint = z.string().refine((s) => normalizeFingerprint(s) !== null, 'a SHA-256 fingerprint: 32 bytes in colon hex (AB:CD:…), as the Proxmox GUI shows it');
const ApiUrl = z.url({ protocol: /^https$/ });

export const PveApiSettings = z
  .object({
    urls: z.array(ApiUrl).min(1).optional(),
    /** USER@REALM!TOKENID */
    tokenId: z.string().regex(/^[^@\s]+@[^!\s]+![A-Za-z][A-Za-z0-9._-]*$/, 'USER@REALM!TOKENID, e.g. quorate@pve!dashboard').optional(),
    tokenSecret: z.string().min(1).optional(),
    tokenSecretFile: z.string().min(1).optional(),
    /** one fingerprint for every URL, or one per URL */
    fingerprint: z.union([Fingerprint, z.record(z.string(), Fingerprint)]).optional(),
    caFile: z.string().min(1).optional(),
    /** a directory of recorded replies instead of a live cluster */
    replay: z.string().min(1).optional(),
    /** hard timeout of one call, ms */
    timeoutMs: z.number().int().min(100).max(60_000).optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.replay !== undefined) {
      if (a.urls !== undefined) ctx.addIssue({ code: 'custom', path: ['replay'], message: 'either replay or urls, not both' });
      return;
    }
    if (a.urls === undefined) ctx.addIssue({ code: 'custom', path: ['urls'], message: 'the API URLs of one or more nodes: ["https://10.0.0.1:8006", …]' });
    if (a.tokenId === undefined) ctx.addIssue({ code: 'custom', path: ['tokenId'], message: 'the API token id: USER@REALM!TOKENID' });
    if ((a.tokenSecret === undefined) === (a.tokenSecretFile === undefined)) ctx.addIssue({ code: 'custom', path: ['tokenSecret'], message: 'exactly one of tokenSecret or tokenSecretFile' });
    if (a.fingerprint !== undefined && a.caFile !== undefined) ctx.addIssue({ code: 'custom', path: ['caFile'], message: 'either fingerprint or caFile, not both' });
    if (a.fingerprint !== undefined && typeof a.fingerprint === 'object' && a.urls) {
      for (const u of a.urls) if (!(u in a.fingerprint)) ctx.addIssue({ code: 'custom', path: ['fingerprint'], message: `no fingerprint for ${u}` });
    }
  });
export type PveApiSettings = z.infer<typeof PveApiSettings>;

export const PveSettings = z
  .object({ api: PveApiSettings, ssh: PveSshSettings.optional() })
  .strict()
  .superRefine((s, ctx) => {
    if (s.ssh !== undefined && s.api.replay !== undefined) ctx.addIssue({ code: 'custom', path: ['ssh'], message: 'a replay directory has no nodes to reach over SSH' });
  });
export type PveSettings = z.infer<typeof PveSettings>;

const SECRET = 'api.tokenSecret';
const SSH_KEY = 'ssh.privateKey';

/** a file that holds a secret must exist and not be readable by group/others (like SSH keys) */
export function checkSecretFile(path: string, what: string): void {
  let mode: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error(`${what} ${path} is not a regular file`);
    mode = st.mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === undefined) throw err;
    throw new Error(`${what} ${path} cannot be read: ${(err as NodeJS.ErrnoException).code}`, { cause: err });
  }
  if ((mode & 0o077) !== 0) throw new Error(`${what} ${path} is accessible by group/others (mode ${mode.toString(8).padStart(4, '0')}); refusing to use it: run chmod 600 ${path}`);
}

function checkReadable(path: string, what: string, dir = false): string | null {
  try {
    const st = statSync(path);
    if (dir ? !st.isDirectory() : !st.isFile()) return `${what} ${path} is not a ${dir ? 'directory' : 'regular file'}`;
    if (!dir) readFileSync(path);
    return null;
  } catch (err) {
    return `${what} ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
}

/** the transport for settings (throws on a broken CA file: the source reports it as down) */
export function transportFor(api: PveApiSettings): PveTransport {
  if (api.replay !== undefined) return new ReplayTransport(api.replay);
  const ca = api.caFile !== undefined ? readCa(api.caFile) : null;
  const targets: HttpsTarget[] = api.urls!.map((url) => {
    let trust: Trust = { kind: 'none' };
    if (ca !== null) trust = { kind: 'ca', ca };
    else if (typeof api.fingerprint === 'string') trust = { kind: 'fingerprint', fingerprint: api.fingerprint };
    else if (api.fingerprint && api.fingerprint[url]) trust = { kind: 'fingerprint', fingerprint: api.fingerprint[url]! };
    return { url, trust };
  });
  const secret = () => api.tokenSecret ?? readFileSync(api.tokenSecretFile!, 'utf8').trim();
  return new HttpsTransport({ targets, auth: tokenAuthorizer(api.tokenId!, secret), timeoutMs: api.timeoutMs });
}

/** join, create and delnode over the API; none on a replay directory (it has nothing to change) */
export function operations(client: PveClient, transport: PveTransport): SourceCapabilities {
  if (!(transport instanceof HttpsTransport)) return {};
  return { join: new PveJoin({ client }), create: new PveCreate(), delnode: new PveDelnode({ client, transport }) };
}

export const pveKind = defineKind({
  kind: 'pve',
  title: 'Proxmox VE API',
  settings: PveSettings,
  takeSecrets(s) {
    const { tokenSecret, ...api } = s.api;
    const secrets: Record<string, string> = {};
    if (tokenSecret !== undefined) secrets[SECRET] = tokenSecret;
    if (s.ssh === undefined) return { settings: { api }, secrets };
    const { privateKey, ...ssh } = s.ssh;
    if (privateKey !== undefined) secrets[SSH_KEY] = privateKey;
    return { settings: { api, ssh }, secrets };
  },
  giveSecrets(s, secrets) {
    const api = secrets[SECRET] !== undefined ? { ...s.api, tokenSecret: secrets[SECRET] } : s.api;
    if (s.ssh === undefined) return { api };
    return { api, ssh: secrets[SSH_KEY] !== undefined ? { ...s.ssh, privateKey: secrets[SSH_KEY] } : s.ssh };
  },
  check(s) {
    const issues: SettingsIssue[] = [];
    const a = s.api;
    if (a.caFile !== undefined) {
      const m = checkReadable(a.caFile, 'CA file');
      if (m) issues.push({ path: ['api', 'caFile'], message: m });
    }
    if (a.tokenSecretFile !== undefined) {
      try {
        checkSecretFile(a.tokenSecretFile, 'token secret file');
      } catch (err) {
        issues.push({ path: ['api', 'tokenSecretFile'], message: (err as Error).message });
      }
    }
    if (a.replay !== undefined) {
      const m = checkReadable(a.replay, 'replay directory', true);
      if (m) issues.push({ path: ['api', 'replay'], message: m });
    }
    if (s.ssh?.keyPath !== undefined) {
      try {
        checkKeyFile(s.ssh.keyPath);
      } catch (err) {
        issues.push({ path: ['ssh', 'keyPath'], message: (err as Error).message });
      }
    }
    return issues;
  },
  create(s, ctx) {
    const log = (line: string) => ctx.log(`cluster '${ctx.clusterId}': ${line}`);
    let transport: PveTransport;
    try {
      transport = transportFor(s.api);
    } catch (err) {
      // a CA file broken since start: the source shows down with the reason, it does not throw
      const message = (err as Error).message;
      transport = { describe: 'broken settings', get: () => Promise.reject(new Error(message)) };
    }
    const client = new PveClient(transport);
    const capabilities: SourceCapabilities = {
      ...operations(client, transport),
      // read on demand against the newest snapshot (online nodes, HA guests); api is set just below
      advisorFacts: { advisorFacts: () => pveAdvisorFacts(client, api.current()) },
    };
    const api: PveSource = new PveSource({ clusterId: ctx.clusterId, name: ctx.name, client, log, capabilities });
    const ssh = s.ssh;
    if (ssh === undefined) return api;
    // the SSH half comes up (and retries) on its own: a node unreachable over SSH leaves the API's view
    const corosync = deferredSource({
      clusterId: ctx.clusterId,
      kind: 'pve',
      create: async () => createSshCorosyncSource(sshClusterConfig(ctx.clusterId, ctx.name, ssh, ctx.sshIdentity?.() ?? null), { log }),
      onError: (m) => log(`SSH: ${m}`),
    });
    return new PveWithCorosync(api, corosync);
  },
});
