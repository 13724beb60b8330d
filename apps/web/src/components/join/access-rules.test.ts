// The page's zod/mini copies of the model's JoinerAccess and Credentials give the same answers: the same
// accepted value, or the same first problem on the same field.
import { describe, expect, it } from 'vitest';
import { Credentials, JoinerAccess } from '@quorate/model';
import { CredentialsRule, JoinerAccessRule } from './access-rules';
import * as z from 'zod/mini';

const FP = Array.from({ length: 32 }, (_, i) => (i * 3 + 20).toString(16).padStart(2, '0')).join(':');
const verdict = (r: { success: true; data: unknown } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.success ? { ok: r.data } : { field: String(r.error.issues[0]?.path[0]), message: r.error.issues[0]?.message };

const joiners: unknown[] = [
  { url: 'https://198.51.100.14:8006', password: 'x' },
  { url: 'https://pve4.example:8006', fingerprint: ` ${FP} `, password: 'pw', otp: ' 123456 ' },
  { url: 'http://198.51.100.14:8006', password: 'x' },
  { url: 'not a url', password: 'x' },
  { url: `https://h/${'a'.repeat(2050)}`, password: 'x' },
  { url: 'https://h:8006', password: '' },
  { url: 'https://h:8006', password: 'p'.repeat(129) },
  { url: 'https://h:8006', password: 'x', fingerprint: 'AB:CD' },
  { url: 'https://h:8006', password: 'x', otp: '12345' },
  { url: 'https://h:8006', password: 'x', otp: '123456789' },
  { url: 'https://h:8006', password: 'x', extra: 1 },
];

const credentials: unknown[] = [{ password: 'x' }, { password: 'x', otp: '12345678' }, { password: '' }, { password: 'x', otp: 'abcdef' }, { password: 'x', store: true }];

describe('the page’s access rules and the model’s', () => {
  it.each(joiners.map((j) => [JSON.stringify(j).slice(0, 80), j]))('JoinerAccess %s', (_, j) => {
    expect(verdict(z.safeParse(JoinerAccessRule, j))).toEqual(verdict(JoinerAccess.safeParse(j)));
  });
  it.each(credentials.map((c) => [JSON.stringify(c), c]))('Credentials %s', (_, c) => {
    expect(verdict(z.safeParse(CredentialsRule, c))).toEqual(verdict(Credentials.safeParse(c)));
  });
});
