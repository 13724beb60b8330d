// The page's zod/mini judgement of a channel against the model's ChannelInput: the same answer (the same
// data with defaults; the same first field at fault, in the model's words where it has its own) for each
// channel type, good and bad; the copied constants equal the model's; a kept secret left unjudged.
import { describe, expect, it } from 'vitest';
import { ChannelInput, ChannelType, RuleId, RuleSettings, SECRET_FIELDS as MODEL_SECRET_FIELDS, SECRET_SET as MODEL_SECRET_SET } from '@quorate/model';
import { CHANNEL_TYPES, judgeChannel, RULE_DEFAULTS, RULE_IDS, SECRET_FIELDS, SECRET_SET, type Judged } from './channel-rules';

const common = { name: 'ops', repeatMinutes: 0, enabled: true };
const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const GOOD: Record<string, unknown>[] = [
  { type: 'webhook', config: { url: 'http://127.0.0.1:9/hook' }, ...common },
  { type: 'webhook', config: { url: 'https://hooks.example.org/q', secret: 'sixteen-chars-ok' }, ...common, clusters: ['lab'], fallback: 'ch_0123456789ab' },
  { type: 'email', config: { host: 'smtp.example.org', from: 'q@example.org', to: ['a@example.org', 'b@example.org'] }, name: 'mail' },
  { type: 'email', config: { host: '[::1]', port: 25, security: 'none', username: 'u', password: 'p', from: 'q@example.org', to: ['a@example.org'] }, ...common },
  { type: 'email', config: { host: 'mail-1.example.org', from: "o'neil.first+ops@sub.example.co", to: ['x_y-z@a-b.example.museum'] }, ...common },
  { type: 'ntfy', config: { url: 'https://ntfy.sh/topic', token: 'tk_1' }, ...common },
  { type: 'gotify', config: { url: 'https://gotify.example.org/sub', token: 'AbC.def' }, ...common },
  { type: 'slack', config: { url: 'https://hooks.slack.com/services/T/B/X' }, ...common },
  { type: 'discord', config: { url: 'https://discord.com/api/webhooks/1/abc' }, ...common },
  { type: 'telegram', config: { botToken: TOKEN, chatId: '-1001234567890' }, ...common },
  { type: 'telegram', config: { botToken: TOKEN, chatId: '@quorate_ops', apiUrl: 'http://127.0.0.1:8081' }, ...common },
  { type: 'teams', config: { url: 'https://prod-00.westeurope.logic.azure.com/workflows/x' }, ...common, clusters: null, fallback: null },
  {
    type: 'webhook',
    config: { url: 'https://x.example/' },
    ...common,
    rules: { 'quorum-lost': { on: true }, 'link-degraded': { on: true, flapCount: 5, flapWindowS: 120 }, storage: { on: false, fullPct: 85.5 }, 'source-down': { on: true, afterS: 30 } },
  },
];
const BAD: Record<string, unknown>[] = [
  { type: 'webhook', config: { url: 'ftp://x.example/' }, ...common },
  { type: 'webhook', config: { url: 'not a url' }, ...common },
  { type: 'webhook', config: { url: 'https://x.example/', secret: 'short' }, ...common },
  { type: 'webhook', config: { url: 'https://x.example/', extra: 1 }, ...common },
  { type: 'webhook', config: { url: 'https://x.example/' }, ...common, name: '   ' },
  { type: 'webhook', config: { url: 'https://x.example/' }, ...common, repeatMinutes: 1.5 },
  { type: 'webhook', config: { url: 'https://x.example/' }, ...common, repeatMinutes: 10_081 },
  { type: 'webhook', config: { url: 'https://x.example/' }, ...common, clusters: ['bad id!'] },
  { type: 'webhook', config: { url: 'https://x.example/' }, ...common, rules: { storage: { on: true, fullPct: 0 } } },
  { type: 'webhook', config: { url: 'https://x.example/' }, ...common, rules: { 'link-degraded': { on: true, flapCount: 1 } } },
  { type: 'webhook', config: { url: 'https://x.example/' }, ...common, rules: { 'source-down': { on: true, afterS: 5 } } },
  { type: 'webhook', config: { url: 'https://x.example/' }, ...common, rules: { 'no-such-rule': { on: true } } },
  { type: 'email', config: { host: 'smtp example', from: 'q@example.org', to: ['a@example.org'] }, ...common },
  { type: 'email', config: { host: 'smtp.example.org', from: 'not-an-address', to: ['a@example.org'] }, ...common },
  { type: 'email', config: { host: 'smtp.example.org', from: 'a..b@example.org', to: ['a@example.org'] }, ...common },
  { type: 'email', config: { host: 'smtp.example.org', from: 'q@example.org', to: ['.a@example.org'] }, ...common },
  { type: 'email', config: { host: 'smtp.example.org', from: 'q@example.org', to: [] }, ...common },
  { type: 'email', config: { host: 'smtp.example.org', port: 70_000, from: 'q@example.org', to: ['a@example.org'] }, ...common },
  { type: 'email', config: { host: 'smtp.example.org', security: 'ssl', from: 'q@example.org', to: ['a@example.org'] }, ...common },
  { type: 'gotify', config: { url: 'https://gotify.example.org' }, ...common },
  { type: 'gotify', config: { url: 'https://gotify.example.org', token: '' }, ...common },
  { type: 'telegram', config: { botToken: 'nope', chatId: '-100' }, ...common },
  { type: 'telegram', config: { botToken: TOKEN, chatId: 'not a chat' }, ...common },
  { type: 'slack', config: {}, ...common },
  { type: 'sms', config: { url: 'https://x.example/' }, ...common },
  { type: 'teams', config: { url: 'https://x.example/' }, ...common, fallback: 'x'.repeat(65) },
];

const modelFirst = (r: ReturnType<typeof ChannelInput.safeParse>) => (r.success ? null : { path: r.error.issues[0]!.path.map(String).join('.'), message: r.error.issues[0]!.message });
const miniFirst = (r: Judged) => (r.success ? null : { path: r.issues[0]!.path.map(String).join('.'), message: r.issues[0]!.message });

describe('judgeChannel (zod/mini) against the model', () => {
  it.each(GOOD)('accepts what the model accepts, with its defaults: %j', (input) => {
    const model = ChannelInput.safeParse(input);
    const mini = judgeChannel(input);
    expect(model.success).toBe(true);
    expect(mini.success).toBe(true);
    expect(mini.success && mini.data).toEqual(model.data);
  });

  it.each(BAD)('refuses what the model refuses, at the same field: %j', (input) => {
    const model = modelFirst(ChannelInput.safeParse(input));
    const mini = miniFirst(judgeChannel(input));
    expect(model).not.toBeNull();
    expect(mini?.path).toBe(model!.path);
  });

  it('the same words where the model has its own', () => {
    for (const input of [BAD[0], BAD[2], BAD[13], BAD[14], BAD[21], BAD[22]]) expect(miniFirst(judgeChannel(input))?.message).toBe(modelFirst(ChannelInput.safeParse(input))?.message);
  });

  it('a kept secret is not judged (the page does not have it), and only the fields named', () => {
    for (const type of CHANNEL_TYPES) {
      const good = GOOD.find((g) => g.type === type)!;
      const config = { ...(good.config as Record<string, unknown>) };
      for (const f of SECRET_FIELDS[type]) delete config[f];
      expect(judgeChannel({ ...good, config }, SECRET_FIELDS[type]).success, type).toBe(true);
    }
    expect(judgeChannel({ type: 'gotify', config: { token: 'abc' }, ...common }, ['token']).success).toBe(false);
    expect(judgeChannel({ type: 'slack', config: {}, ...common }).success).toBe(false);
  });

  it("the copied lists and defaults are the model's", () => {
    expect(SECRET_SET).toBe(MODEL_SECRET_SET);
    expect(SECRET_FIELDS).toEqual(MODEL_SECRET_FIELDS);
    expect([...CHANNEL_TYPES]).toEqual(ChannelType.options);
    expect([...RULE_IDS]).toEqual(RuleId.options);
    const d = RuleSettings.parse({ 'link-degraded': { on: true }, storage: { on: true }, 'source-down': { on: true } });
    expect(RULE_DEFAULTS).toEqual({ flapCount: d['link-degraded']!.flapCount, flapWindowS: d['link-degraded']!.flapWindowS, fullPct: d.storage!.fullPct, afterS: d['source-down']!.afterS });
  });
});
