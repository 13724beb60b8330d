// The page's zod/mini judgement of the dead-man's switch against the model's DeadmanInput: the same answer (the
// same data, with the default interval) for good inputs, the same field at fault and the model's words for bad
// ones; the copied bounds are the model's; the form's text becomes the request, or each field's problem.
import { describe, expect, it } from 'vitest';
import { DeadmanInput } from '@quorate/model';
import { deadmanRequest, emptyDeadman, INTERVAL_DEFAULT_S, INTERVAL_MAX_S, INTERVAL_MIN_S, judgeDeadman } from './deadman-form';

const GOOD: Record<string, unknown>[] = [
  { url: 'https://hc-ping.com/0b2a1c3d-4e5f-6789-abcd-ef0123456789' },
  { url: 'http://127.0.0.1:3001/api/push/AbCdEf?status=up&msg=OK', intervalS: 30 },
  { url: 'https://kuma.example.org/api/push/x', intervalS: 3600 },
  { url: `https://x.example/${'a'.repeat(2020)}`, intervalS: 61 },
];
const BAD: Record<string, unknown>[] = [
  {},
  { url: 'ftp://x.example/check' },
  { url: 'not a url' },
  { url: '' },
  { url: `https://x.example/${'a'.repeat(2040)}` },
  { url: 'https://x.example/', intervalS: 29 },
  { url: 'https://x.example/', intervalS: 3601 },
  { url: 'https://x.example/', intervalS: 45.5 },
  { url: 'https://x.example/', intervalS: 60, extra: true },
];

const first = (issues: readonly { path: PropertyKey[]; message: string }[]) => ({ path: issues[0]!.path.map(String).join('.'), message: issues[0]!.message });

describe('judgeDeadman (zod/mini) against the model', () => {
  it.each(GOOD)('accepts what the model accepts, with its default: %j', (input) => {
    const model = DeadmanInput.safeParse(input);
    const mini = judgeDeadman(input);
    expect(model.success).toBe(true);
    expect(mini.success && mini.data).toEqual(model.data);
  });

  it.each(BAD)('refuses what the model refuses, at the same field: %j', (input) => {
    const model = DeadmanInput.safeParse(input);
    const mini = judgeDeadman(input);
    expect(model.success).toBe(false);
    expect(mini.success).toBe(false);
    expect(!mini.success && first(mini.issues).path).toBe(!model.success && first(model.error.issues).path);
  });

  it("a bad URL in the model's words", () => {
    const input = { url: 'ftp://x.example/check' };
    const mini = judgeDeadman(input);
    const model = DeadmanInput.safeParse(input);
    expect(!mini.success && first(mini.issues).message).toBe(!model.success && first(model.error.issues).message);
    expect(!mini.success && first(mini.issues).message).toBe('an http(s) URL, e.g. https://hc-ping.com/<uuid>');
  });

  it("the copied bounds and default are the model's", () => {
    const url = 'https://x.example/';
    expect(DeadmanInput.parse({ url }).intervalS).toBe(INTERVAL_DEFAULT_S);
    expect(DeadmanInput.safeParse({ url, intervalS: INTERVAL_MIN_S }).success).toBe(true);
    expect(DeadmanInput.safeParse({ url, intervalS: INTERVAL_MIN_S - 1 }).success).toBe(false);
    expect(DeadmanInput.safeParse({ url, intervalS: INTERVAL_MAX_S }).success).toBe(true);
    expect(DeadmanInput.safeParse({ url, intervalS: INTERVAL_MAX_S + 1 }).success).toBe(false);
  });
});

describe('the form', () => {
  it('starts with an empty URL and the interval in use, or the default', () => {
    expect(emptyDeadman()).toEqual({ url: '', intervalS: '60' });
    expect(emptyDeadman(300)).toEqual({ url: '', intervalS: '300' });
  });

  it('the request: the URL trimmed, the interval a number, an empty one the default', () => {
    expect(deadmanRequest({ url: '  https://hc-ping.com/abc ', intervalS: '120' })).toEqual({ ok: true, input: { url: 'https://hc-ping.com/abc', intervalS: 120 } });
    expect(deadmanRequest({ url: 'https://hc-ping.com/abc', intervalS: ' ' })).toEqual({ ok: true, input: { url: 'https://hc-ping.com/abc', intervalS: 60 } });
  });

  it('each problem on its field, in words', () => {
    expect(deadmanRequest({ url: '', intervalS: '60' })).toEqual({ ok: false, errors: { url: 'Required.' } });
    expect(deadmanRequest({ url: 'hc-ping.com/abc', intervalS: '10' })).toEqual({
      ok: false,
      errors: { url: 'An http(s) URL, e.g. https://hc-ping.com/<uuid>.', intervalS: 'At least 30.' },
    });
    expect(deadmanRequest({ url: 'https://x.example/', intervalS: '7200' })).toEqual({ ok: false, errors: { intervalS: 'At most 3600.' } });
    expect(deadmanRequest({ url: 'https://x.example/', intervalS: '90.5' })).toEqual({ ok: false, errors: { intervalS: 'A whole number.' } });
    expect(deadmanRequest({ url: 'https://x.example/', intervalS: 'soon' })).toEqual({ ok: false, errors: { intervalS: 'A number.' } });
  });
});

describe('deadmanRequest: keeping the stored URL', () => {
  it('on, URL left empty: "(set)" and the interval; off, URL left empty: required', () => {
    expect(deadmanRequest({ url: '', intervalS: '300' }, true)).toEqual({ ok: true, input: { url: '(set)', intervalS: 300 } });
    expect(deadmanRequest({ url: '  ', intervalS: '5' }, true)).toEqual({ ok: false, errors: { intervalS: 'At least 30.' } });
    expect(deadmanRequest({ url: '', intervalS: '300' }, false)).toMatchObject({ ok: false, errors: { url: 'Required.' } });
    // a URL typed while on replaces the stored one
    expect(deadmanRequest({ url: 'https://hc-ping.com/new', intervalS: '' }, true)).toEqual({ ok: true, input: { url: 'https://hc-ping.com/new', intervalS: 60 } });
  });
});
