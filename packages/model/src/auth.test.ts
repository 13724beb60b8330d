import { describe, expect, it } from 'vitest';
import { NewUserRequest, Password, PasswordChange, SetupRequest, UserPatch, normalizePassword } from './auth';

describe('Password', () => {
  it('refuses lone surrogates (they all collapse to U+FFFD in UTF-8, so different inputs would hash the same)', () => {
    for (const pw of ['long enough \uD800', 'long enough \uDC00', '\uDFFFlong enough', 'long \uDBFF\uDBFF enough']) {
      const r = Password.safeParse(pw);
      expect(r.success, JSON.stringify(pw)).toBe(false);
      expect(r.error?.issues[0]?.message).toBe('password must be valid Unicode text (no lone surrogate)');
    }
    // a real surrogate pair is fine
    expect(Password.safeParse('long enough \u{1F512}').success).toBe(true);
  });

  it('refuses NUL', () => {
    const r = Password.safeParse('long enough\u0000x');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('password must not contain NUL');
  });

  it('normalises to NFC, and counts the length of the normalised text', () => {
    const decomposed = 'cafe\u0301 au lait!';
    expect(Password.parse(decomposed)).toBe('caf\u00e9 au lait!');
    expect(normalizePassword(decomposed)).toBe('caf\u00e9 au lait!');
    // 10 code units, 9 characters once composed
    expect(Password.safeParse('abcdefghe\u0301').success).toBe(false);
    expect(Password.safeParse('abcdefghi\u00e9').success).toBe(true);
  });

  it('every request that sets a password applies the same rule', () => {
    const bad = 'long enough \uD800';
    expect(SetupRequest.safeParse({ username: 'a', password: bad }).success).toBe(false);
    expect(NewUserRequest.safeParse({ username: 'a', password: bad, role: 'viewer' }).success).toBe(false);
    expect(UserPatch.safeParse({ password: bad }).success).toBe(false);
    expect(PasswordChange.safeParse({ currentPassword: 'x', newPassword: bad }).success).toBe(false);
    expect(UserPatch.parse({ password: 'cafe\u0301 au lait!' })).toEqual({ password: 'caf\u00e9 au lait!' });
  });
});
