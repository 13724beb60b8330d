// The model's ChannelInput (alerts/channels.ts, alerts/rules.ts) in zod/mini, with the same bounds and words:
// the model's full-zod schemas would pull zod's classic layer into the chunks the first load preloads (see
// join/access-rules.ts). Only the zod/mini functions the first load already carries are used here — zod/mini's
// schemas module is shared with the first chunk, so each new one (email, union, int, nullable…) costs there
// too (+2.3 KB gzip, over the 125 KB budget, when this file used them): e-mail is the model's regex, numbers
// are refined, the type picks the schema and null is allowed by hand (judgeChannel). channel-rules.test.ts
// holds the two to the same answers; the BFF judges again with the model's.
import * as z from 'zod/mini';
import type { ChannelType, RuleId } from '../../api/alerts';

/** the model's SECRET_SET: what a stored secret reads as; sent back on PUT, it keeps the stored one */
export const SECRET_SET = '(set)';

export const CHANNEL_TYPES = ['webhook', 'email', 'ntfy', 'gotify', 'slack', 'discord', 'telegram', 'teams'] as const satisfies readonly ChannelType[];
export const RULE_IDS = ['quorum-lost', 'early-warning', 'node-offline', 'link-degraded', 'storage', 'qdevice-lost', 'ha-error', 'source-down'] as const satisfies readonly RuleId[];

/** the model's SECRET_FIELDS: stored encrypted, answered as "(set)", never prefilled */
export const SECRET_FIELDS: Record<ChannelType, readonly string[]> = {
  webhook: ['url', 'secret'],
  email: ['password'],
  ntfy: ['url', 'token'],
  gotify: ['token'],
  slack: ['url'],
  discord: ['url'],
  telegram: ['botToken'],
  teams: ['url'],
};

/** the model's rule threshold defaults (what an empty threshold field means) */
export const RULE_DEFAULTS = { flapCount: 3, flapWindowS: 60, fullPct: 90, afterS: 60 } as const;

/** zod's own e-mail pattern (z.email's), so the page and the model agree on an address */
const EMAIL = /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** an http(s) URL of at most 2048 characters, with the model's words for one that is not (deadman-form.ts too) */
export const httpUrl = (error: string) => z.url({ protocol: /^https?$/, error }).check(z.maxLength(2048));
const HttpUrl = httpUrl('an http(s) URL');
const Secret = z.string().check(z.minLength(1), z.maxLength(1024));
const Email = z.string().check(z.regex(EMAIL, 'an e-mail address'), z.maxLength(254));
const Host = z.string().check(z.trim(), z.minLength(1), z.maxLength(253), z.regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or address'));
/** a number within bounds (coerced, unlike the model's: the form sends numbers only; NaN is "not a number") */
export const num = (min: number, max: number, whole: boolean) =>
  z.coerce.number().check(
    z.refine((n) => !whole || Number.isInteger(n), 'a whole number'),
    z.refine((n) => n >= min, `at least ${min}`),
    z.refine((n) => n <= max, `at most ${max}`),
  );

/** each type's config fields (the model's config schemas, strict) */
const SHAPES: Record<ChannelType, Record<string, z.ZodMiniType>> = {
  webhook: { url: HttpUrl, secret: z.optional(z.string().check(z.minLength(16, 'a signing secret has at least 16 characters'), z.maxLength(256))) },
  email: {
    host: Host,
    port: z._default(num(1, 65_535, true), 587),
    security: z._default(z.enum(['starttls', 'tls', 'none']), 'starttls'),
    username: z.optional(z.string().check(z.maxLength(256))),
    password: z.optional(Secret),
    from: Email,
    to: z.array(Email).check(z.minLength(1), z.maxLength(20)),
  },
  ntfy: { url: HttpUrl, token: z.optional(Secret) },
  gotify: { url: HttpUrl, token: Secret },
  slack: { url: HttpUrl },
  discord: { url: HttpUrl },
  telegram: {
    botToken: z.string().check(z.regex(/^\d{3,20}:[A-Za-z0-9_-]{20,64}$/, 'a bot token as BotFather gives it: 123456:ABC…')),
    chatId: z.string().check(z.regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/, 'a chat id (-100…) or @channelname')),
    apiUrl: z._default(HttpUrl, 'https://api.telegram.org'),
  },
  teams: { url: HttpUrl },
};

const on = z.optional(z.strictObject({ on: z.boolean() }));
const RuleSettingsRule = z.strictObject({
  'quorum-lost': on,
  'early-warning': on,
  'node-offline': on,
  'link-degraded': z.optional(z.strictObject({ on: z.boolean(), flapCount: z._default(num(2, 100, true), 3), flapWindowS: z._default(num(10, 3_600, true), 60) })),
  storage: z.optional(z.strictObject({ on: z.boolean(), fullPct: z._default(num(1, 100, false), 90) })),
  'qdevice-lost': on,
  'ha-error': on,
  'source-down': z.optional(z.strictObject({ on: z.boolean(), afterS: z._default(num(10, 3_600, true), 60) })),
});

const ClusterId = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a cluster id: letters, digits, ".", "_" and "-", at most 64 characters'));
const common = {
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  rules: z.optional(RuleSettingsRule),
  /** null (all clusters) is let through by judgeChannel */
  clusters: z.optional(z.array(ClusterId).check(z.maxLength(200))),
  fallback: z.optional(z.string().check(z.maxLength(64))),
  repeatMinutes: z._default(num(0, 10_080, true), 0),
  enabled: z._default(z.boolean(), true),
};
/** the type's schema; `unjudged` config fields may be absent (a kept secret: the page does not have it) */
function channelRule(type: ChannelType, unjudged: readonly string[]) {
  const config: Record<string, z.ZodMiniType> = { ...SHAPES[type] };
  for (const k of unjudged) if (config[k]) config[k] = z.optional(config[k]);
  return z.strictObject({ type: z.literal(type), config: z.strictObject(config), ...common });
}
const Type = z.enum(CHANNEL_TYPES);

export interface RuleIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
  expected?: string;
}
export type Judged = { success: true; data: Record<string, unknown> } | { success: false; issues: RuleIssue[] };

/** a channel as POST and PUT take it, judged as the model's ChannelInput would (but for `unjudged` config fields) */
export function judgeChannel(input: unknown, unjudged: readonly string[] = []): Judged {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { success: false, issues: [{ code: 'invalid_type', path: [], message: 'an object', input }] };
  const o = input as Record<string, unknown>;
  const type = Type.safeParse(o.type, { reportInput: true });
  if (!type.success) return { success: false, issues: type.error.issues.map((i) => ({ ...i, path: ['type'] }) as RuleIssue) };
  // the model's nullable clusters and fallback: null is a value of its own, judged as absent and given back
  const nulls = (['clusters', 'fallback'] as const).filter((k) => o[k] === null);
  const rest = Object.fromEntries(Object.entries(o).filter(([k]) => !nulls.includes(k as 'clusters')));
  const r = channelRule(type.data, unjudged).safeParse(rest, { reportInput: true });
  if (!r.success) return { success: false, issues: r.error.issues as unknown as RuleIssue[] };
  const data = r.data as Record<string, unknown>;
  for (const k of nulls) data[k] = null;
  return { success: true, data };
}
