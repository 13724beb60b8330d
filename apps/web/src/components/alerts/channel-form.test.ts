// The channel form's logic: each type's fields, a stored secret kept as "(set)" (never prefilled) unless
// replaced, an empty optional replacement removing it, thresholds and lists as the request wants them, and
// each problem on its field.
import { describe, expect, it } from 'vitest';
import type { ChannelView } from '../../api/alerts';
import { CONFIG_FIELDS, emptyForm, formOf, isSecret, judge, payloadOf, withType } from './channel-form';
import { CHANNEL_TYPES, RULE_IDS, SECRET_FIELDS } from './channel-rules';

const view = (over: Partial<ChannelView>): ChannelView => ({
  id: 'ch_0123456789ab',
  type: 'webhook',
  name: 'ops hook',
  config: { url: '(set)', secret: '(set)' },
  repeatMinutes: 30,
  enabled: true,
  createdAt: 1,
  updatedAt: 2,
  ...over,
});

describe('the fields of each type', () => {
  it('every config field of the model, and its secrets, for each type', () => {
    expect(CONFIG_FIELDS.webhook.map((f) => f.key)).toEqual(['url', 'secret']);
    expect(CONFIG_FIELDS.email.map((f) => f.key)).toEqual(['host', 'port', 'security', 'username', 'password', 'from', 'to']);
    expect(CONFIG_FIELDS.ntfy.map((f) => f.key)).toEqual(['url', 'token']);
    expect(CONFIG_FIELDS.gotify.map((f) => f.key)).toEqual(['url', 'token']);
    expect(CONFIG_FIELDS.telegram.map((f) => f.key)).toEqual(['botToken', 'chatId', 'apiUrl']);
    for (const t of ['slack', 'discord', 'teams'] as const) expect(CONFIG_FIELDS[t].map((f) => f.key)).toEqual(['url']);
    // every secret the model names has a field here
    for (const t of CHANNEL_TYPES) for (const s of SECRET_FIELDS[t]) expect(CONFIG_FIELDS[t].some((f) => f.key === s), `${t}.${s}`).toBe(true);
    expect(isSecret('email', 'password')).toBe(true);
    expect(isSecret('email', 'username')).toBe(false);
  });

  it('a new e-mail channel starts at 587 with STARTTLS; another type empties the fields and keeps the rest', () => {
    const f = { ...emptyForm('email'), name: 'mail' };
    expect(f.config).toMatchObject({ port: '587', security: 'starttls', host: '' });
    const g = withType({ ...f, config: { ...f.config, host: 'smtp.example.org' } }, 'ntfy');
    expect(g.config).toEqual({ url: '', token: '' });
    expect(g.name).toBe('mail');
  });

  it('the e-mail request: the port a number, the recipients a list', () => {
    const f = emptyForm('email');
    f.name = ' mail ';
    Object.assign(f.config, { host: 'smtp.example.org', port: '465', security: 'tls', from: 'q@example.org', to: 'a@example.org, b@example.org\nc@example.org' });
    const r = judge(f);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input).toMatchObject({ type: 'email', name: 'mail', config: { host: 'smtp.example.org', port: 465, security: 'tls', from: 'q@example.org', to: ['a@example.org', 'b@example.org', 'c@example.org'] } });
    expect(r.input.config).not.toHaveProperty('password');
  });
});

describe('secrets', () => {
  it('a stored secret is never prefilled: the field is empty and marked kept', () => {
    const f = formOf(view({}));
    expect(f.config).toEqual({ url: '', secret: '' });
    expect(f.kept).toEqual({ url: true, secret: true });
    expect(JSON.stringify(f)).not.toContain('(set)');
  });

  it('sent back as "(set)" unless replaced', () => {
    const f = formOf(view({}));
    expect(payloadOf(f).config).toEqual({ url: '(set)', secret: '(set)' });
    const replaced = { ...f, kept: { ...f.kept, secret: false }, config: { ...f.config, secret: 'a-brand-new-signing-secret' } };
    expect(payloadOf(replaced).config).toEqual({ url: '(set)', secret: 'a-brand-new-signing-secret' });
    const r = judge(replaced);
    expect(r.ok && r.input.config).toEqual({ url: '(set)', secret: 'a-brand-new-signing-secret' });
  });

  it('an optional secret replaced by nothing is removed; a required one is asked for', () => {
    const f = formOf(view({}));
    expect(payloadOf({ ...f, kept: { ...f.kept, secret: false } }).config).toEqual({ url: '(set)' });
    const r = judge({ ...f, kept: { ...f.kept, url: false } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors['config.url']).toBe('Required.');
  });

  it('a secret without a stored value (the optional one never set) is not kept', () => {
    const f = formOf(view({ type: 'ntfy', config: { url: '(set)' } }));
    expect(f.kept).toEqual({ url: true });
    expect(payloadOf(f).config).toEqual({ url: '(set)' });
  });

  it('a password is sent as typed (blanks too); other fields trimmed', () => {
    const f = emptyForm('email');
    Object.assign(f.config, { host: ' smtp.example.org ', password: ' pass phrase ', from: 'q@example.org', to: 'a@example.org' });
    expect(payloadOf(f).config).toMatchObject({ host: 'smtp.example.org', password: ' pass phrase ' });
  });
});

describe('rules, clusters, fallback', () => {
  it('a new channel: every rule on with the default thresholds, all clusters, no fallback', () => {
    const p = payloadOf({ ...emptyForm(), name: 'x', config: { url: 'https://x.example/' } });
    expect(Object.keys(p.rules as object)).toEqual([...RULE_IDS]);
    expect(p.rules).toMatchObject({ 'quorum-lost': { on: true }, 'link-degraded': { on: true, flapCount: 3, flapWindowS: 60 }, storage: { on: true, fullPct: 90 }, 'source-down': { on: true, afterS: 60 } });
    expect(p).toMatchObject({ clusters: null, fallback: null, repeatMinutes: 0, enabled: true });
  });

  it("a stored channel's rules and thresholds come back; an empty threshold is the default", () => {
    const f = formOf(view({ rules: { storage: { on: false, fullPct: 80 }, 'link-degraded': { on: true, flapCount: 5, flapWindowS: 120 } }, clusters: ['lab'], fallback: 'ch_aaaaaaaaaaaa' }));
    expect(f.rules.storage).toBe(false);
    expect(f.rules['quorum-lost']).toBe(true);
    expect(f.thresholds).toMatchObject({ fullPct: '80', flapCount: '5', flapWindowS: '120', afterS: '60' });
    expect(f).toMatchObject({ allClusters: false, clusters: ['lab'], fallback: 'ch_aaaaaaaaaaaa', repeatMinutes: '30' });
    const p = payloadOf({ ...f, thresholds: { ...f.thresholds, afterS: '' } });
    expect((p.rules as Record<string, unknown>)['source-down']).toEqual({ on: true });
  });

  it('each problem on its own field, in words', () => {
    const f = { ...emptyForm(), config: { url: 'ftp://x', secret: 'short' }, thresholds: { flapCount: '1', flapWindowS: '60', fullPct: 'lots', afterS: '60' }, repeatMinutes: '-1', allClusters: false };
    const r = judge(f);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      name: 'Required.',
      'config.url': 'An http(s) URL.',
      'config.secret': 'A signing secret has at least 16 characters.',
      'rules.link-degraded.flapCount': 'At least 2.',
      'rules.storage.fullPct': 'A number.',
      repeatMinutes: 'At least 0.',
      clusters: 'Choose at least one cluster, or all.',
    });
  });
});
