// Alert channels (issue 14): where notifications go. One config schema per provider, each following that
// provider's documented request; secrets (tokens, passwords, webhook URLs that embed a key) are kept in the
// encrypted store and never sent back to the browser (redactChannel). REST: /api/v1/alerts/channels.
import { z } from 'zod';
import { ClusterIdParam } from '../operations';
import { RuleSettings } from './rules';

export const ChannelType = z.enum(['webhook', 'email', 'ntfy', 'gotify', 'slack', 'discord', 'telegram', 'teams']);
export type ChannelType = z.infer<typeof ChannelType>;

const HttpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).max(2048);
const Secret = z.string().min(1).max(1024);
const Email = z.email({ error: 'an e-mail address' }).max(254);
const Host = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or address');

/** generic JSON POST; with `secret`, an `X-Quorate-Signature: sha256=<hex HMAC of the body>` header */
export const WebhookConfig = z.object({ url: HttpUrl, secret: z.string().min(16, 'a signing secret has at least 16 characters').max(256).optional() }).strict();
/** SMTP: STARTTLS (587), implicit TLS (465) or plain (only for a relay on loopback) */
export const EmailConfig = z
  .object({
    host: Host,
    port: z.number().int().min(1).max(65_535).default(587),
    security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
    username: z.string().max(256).optional(),
    password: Secret.optional(),
    from: Email,
    to: z.array(Email).min(1).max(20),
  })
  .strict();
/** ntfy: POST the message to the topic URL with Title / Priority / Tags headers; a token for protected topics */
export const NtfyConfig = z.object({ url: HttpUrl, token: Secret.optional() }).strict();
/** Gotify: POST {server}/message with an application token */
export const GotifyConfig = z.object({ url: HttpUrl, token: Secret }).strict();
/** Slack-compatible incoming webhooks (Slack, Mattermost, Rocket.Chat): the URL is the secret */
export const SlackConfig = z.object({ url: HttpUrl }).strict();
export const DiscordConfig = z.object({ url: HttpUrl }).strict();
/** Telegram Bot API sendMessage; apiUrl only to point at a local stand-in (tests, a proxy) */
export const TelegramConfig = z
  .object({
    botToken: z.string().regex(/^\d{3,20}:[A-Za-z0-9_-]{20,64}$/, 'a bot token as BotFather gives it: 123456:ABC…'),
    chatId: z.string().regex(/^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/, 'a chat id (-100…) or @channelname'),
    apiUrl: HttpUrl.default('https://api.telegram.org'),
  })
  .strict();
/** Microsoft Teams: a Workflows ("Post to a channel when a webhook request is received") URL; an Adaptive Card */
export const TeamsConfig = z.object({ url: HttpUrl }).strict();

export const CHANNEL_CONFIGS = {
  webhook: WebhookConfig,
  email: EmailConfig,
  ntfy: NtfyConfig,
  gotify: GotifyConfig,
  slack: SlackConfig,
  discord: DiscordConfig,
  telegram: TelegramConfig,
  teams: TeamsConfig,
} as const;
export type ChannelConfig<T extends ChannelType = ChannelType> = z.infer<(typeof CHANNEL_CONFIGS)[T]>;

/** the config fields that are secrets: stored encrypted, answered as SECRET_SET */
export const SECRET_FIELDS: Record<ChannelType, readonly string[]> = {
  // a webhook URL often carries a token, and an ntfy topic is its own password (ntfy's docs)
  webhook: ['url', 'secret'],
  email: ['password'],
  ntfy: ['url', 'token'],
  gotify: ['token'],
  slack: ['url'],
  discord: ['url'],
  telegram: ['botToken'],
  teams: ['url'],
};
/** what a secret field reads as in replies; sent back unchanged on PUT, it keeps the stored value */
export const SECRET_SET = '(set)';

const common = {
  name: z.string().trim().min(1).max(100),
  /** rules on or off and their thresholds; omitted: every rule on with its defaults */
  rules: RuleSettings.optional(),
  /** the clusters it is for; omitted or null: all */
  clusters: z.array(ClusterIdParam).max(200).nullable().optional(),
  /** lower first when several channels carry the same rule; a fallback gets what this one failed to deliver */
  fallback: z.string().max(64).nullable().optional(),
  /** minutes between reminders while an incident is open and unacknowledged; 0: never */
  repeatMinutes: z.number().int().min(0).max(10_080).default(0),
  enabled: z.boolean().default(true),
};

/** POST /api/v1/alerts/channels (and PUT's body) */
export const ChannelInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook'), config: WebhookConfig, ...common }).strict(),
  z.object({ type: z.literal('email'), config: EmailConfig, ...common }).strict(),
  z.object({ type: z.literal('ntfy'), config: NtfyConfig, ...common }).strict(),
  z.object({ type: z.literal('gotify'), config: GotifyConfig, ...common }).strict(),
  z.object({ type: z.literal('slack'), config: SlackConfig, ...common }).strict(),
  z.object({ type: z.literal('discord'), config: DiscordConfig, ...common }).strict(),
  z.object({ type: z.literal('telegram'), config: TelegramConfig, ...common }).strict(),
  z.object({ type: z.literal('teams'), config: TeamsConfig, ...common }).strict(),
]);
export type ChannelInput = z.infer<typeof ChannelInput>;

/** a channel as stored (secrets in clear: never leaves the BFF) */
export type Channel = ChannelInput & { id: string; createdAt: number; updatedAt: number };

/** a channel as answered: secrets replaced by SECRET_SET */
export const ChannelView = z.object({
  id: z.string(),
  type: ChannelType,
  name: z.string(),
  config: z.record(z.string(), z.unknown()),
  rules: RuleSettings.optional(),
  clusters: z.array(z.string()).nullable().optional(),
  fallback: z.string().nullable().optional(),
  repeatMinutes: z.number(),
  enabled: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** for a secret URL, where it points (scheme and host only), so the page can say which service it is */
  hints: z.record(z.string(), z.string()).optional(),
});
export type ChannelView = z.infer<typeof ChannelView>;

/** scheme, user:password@, host[:port] and the rest of an http(s) URL (the model has no URL class: no I/O lib) */
const URL_PARTS = /^(https?:\/\/)(?:[^@/?#]*@)?([^/?#]*)(.*)$/i;

/** scheme://host[:port] of a URL; null when it is none */
function originOf(value: string): string | null {
  const m = URL_PARTS.exec(value);
  return m ? `${m[1]!.toLowerCase()}${m[2]}` : null;
}

/** secrets replaced by SECRET_SET (secret URLs hinted by their origin), user:password@ cut from every other URL */
export function redactChannel(c: Channel): ChannelView {
  const config: Record<string, unknown> = { ...(c.config as Record<string, unknown>) };
  const hints: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    const m = typeof v === 'string' ? URL_PARTS.exec(v) : null;
    if (m) config[k] = `${m[1]}${m[2]}${m[3]}`;
  }
  for (const f of SECRET_FIELDS[c.type]) {
    const v = config[f];
    if (v === undefined) continue;
    const origin = typeof v === 'string' ? originOf(v) : null;
    if (origin) hints[f] = origin;
    config[f] = SECRET_SET;
  }
  return { ...c, config, ...(Object.keys(hints).length > 0 ? { hints } : {}) };
}
