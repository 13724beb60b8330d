// A Proxmox VE cluster's join, create and remove need root@pam: the joining node's API (its URL, certificate
// fingerprint, root password and TOTP code) and the member's root password. This judges what was typed with
// the model's JoinerAccess and Credentials (their zod/mini copies, access-rules.ts) and names each field's
// problem; and reads back what the server's dry run says about the joining node (the certificate it presents,
// why it could not log in, TOTP).
// The passwords and the code live in the page's memory only: never in the URL, storage or a query key.
import type { Credentials, JoinerAccess } from '@quorate/model';
import * as z from 'zod/mini';
import { CredentialsRule, JoinerAccessRule } from './access-rules';
import { nameIssue, NodeNameRule } from './names';

/** what the admin types for a pve join: url and fingerprint may sit in the URL, the rest never */
export interface JoinerForm {
  url: string;
  fingerprint: string;
  /** the joining node's root@pam password */
  password: string;
  /** its TOTP code, when root@pam has one */
  otp: string;
  /** the cluster member's root@pam password (the joining node logs in to the member with it) */
  memberPassword: string;
}

export const EMPTY_JOINER: JoinerForm = { url: '', fingerprint: '', password: '', otp: '', memberPassword: '' };

export type JoinerErrors = Partial<Record<keyof JoinerForm, string>>;

type Issue = { path: PropertyKey[]; message: string };

function firstByField<K extends string>(issues: readonly Issue[], map: Record<string, K>): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const i of issues) {
    const key = map[String(i.path[0])];
    if (key !== undefined && out[key] === undefined) out[key] = i.message;
  }
  return out;
}

const trimmedOrUndefined = (s: string) => (s.trim() === '' ? undefined : s.trim());

/** the joining node's access as the model takes it (empty optional fields left out), or each field's problem */
export function joinerAccess(f: Pick<JoinerForm, 'url' | 'fingerprint' | 'password' | 'otp'>, o: { requireFingerprint: boolean }): { ok: true; value: JoinerAccess } | { ok: false; errors: JoinerErrors } {
  const r = z.safeParse(JoinerAccessRule, { url: f.url.trim(), fingerprint: trimmedOrUndefined(f.fingerprint), password: f.password, otp: trimmedOrUndefined(f.otp) });
  const errors: JoinerErrors = r.success ? {} : firstByField(r.error.issues, { url: 'url', fingerprint: 'fingerprint', password: 'password', otp: 'otp' });
  if (o.requireFingerprint && f.fingerprint.trim() === '' && errors.fingerprint === undefined)
    errors.fingerprint = 'Give the node’s certificate fingerprint: read the certificate it presents and compare it with its GUI (System → Certificates).';
  return r.success && Object.keys(errors).length === 0 ? { ok: true, value: r.data } : { ok: false, errors };
}

/** root@pam's password (and TOTP code) as the model takes it, or each field's problem */
export function rootCredentials(password: string, otp: string): { ok: true; value: Credentials } | { ok: false; errors: { password?: string; otp?: string } } {
  const r = z.safeParse(CredentialsRule, { password, otp: trimmedOrUndefined(otp) });
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: firstByField(r.error.issues, { password: 'password', otp: 'otp' }) };
}

/** the whole pve join form: the joiner's access and the member's credentials, or every field's problem */
export function judgeJoiner(f: JoinerForm): { ok: true; joiner: JoinerAccess; credentials: Credentials } | { ok: false; errors: JoinerErrors } {
  const j = joinerAccess(f, { requireFingerprint: true });
  const c = rootCredentials(f.memberPassword, '');
  if (j.ok && c.ok) return { ok: true, joiner: j.value, credentials: c.value };
  return { ok: false, errors: { ...(j.ok ? {} : j.errors), ...(c.ok ? {} : { memberPassword: c.errors.password }) } };
}

const FP = '((?:[A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2})';
const PRESENTS = new RegExp(`it presents ${FP}`);

/** the certificate the joining node presents, as the dry run said it (its fingerprint was not given) */
export function presentedFingerprint(texts: readonly string[]): string | null {
  for (const t of texts) {
    const m = PRESENTS.exec(t);
    if (m) return m[1]!.toUpperCase();
  }
  return null;
}

/** why the joining node's API could not be used, as the dry run said it (one reason for every unmeasured check) */
export function joinerAccessProblem(texts: readonly string[], node: string): string | null {
  const prefix = `not checked: ${node}'s API: `;
  const hit = texts.find((t) => t.startsWith(prefix));
  return hit ? hit.slice(prefix.length) : null;
}

/** root@pam has TOTP, and the code was missing, refused or not enough (the source's words) */
export const needsTotp = (texts: readonly (string | null | undefined)[]): boolean => texts.some((t) => typeof t === 'string' && /root@pam has TOTP/.test(t));

/** a new pve cluster's nodes, each by its own API: the model's JoinerAccess per row, names by Proxmox's rule */
export function judgeApiNodes(rows: readonly (Omit<JoinerForm, 'memberPassword'> & { name: string })[]): { ok: true; nodes: { name: string; joiner: JoinerAccess }[] } | { ok: false; errors: (JoinerErrors & { name?: string })[] } {
  const nodes: { name: string; joiner: JoinerAccess }[] = [];
  const errors = rows.map((r, i) => {
    const name = r.name.trim();
    const e: JoinerErrors & { name?: string } = {};
    const bad = name === '' ? 'Type the node’s name.' : nameIssue(NodeNameRule, name);
    if (bad) e.name = bad;
    else if (rows.slice(0, i).some((o) => o.name.trim().toLowerCase() === name.toLowerCase())) e.name = 'Each node once.';
    const j = joinerAccess(r, { requireFingerprint: true });
    if (j.ok) nodes.push({ name, joiner: j.value });
    else Object.assign(e, { ...j.errors, ...(j.errors.fingerprint ? { fingerprint: j.errors.fingerprint.replace(/: read the certificate .*$/, ' (its GUI → System → Certificates).') } : {}) });
    return e;
  });
  return errors.every((e) => Object.keys(e).length === 0) ? { ok: true, nodes } : { ok: false, errors };
}
