// One entry point for the dispatcher and the channel test button: sendTo({type, config}, notification) picks
// the provider's sender, checks the config against the model's schema (defaults applied: SMTP port 587,
// Telegram's API URL), bounds the whole send by a hard timeout, and never throws — every failure is
// {ok: false, status, detail}, and no detail carries a secret (tokens, passwords, a webhook URL's path).
import { CHANNEL_CONFIGS, ChannelType, type ChannelConfig, type Notification, type SendResult } from '@quorate/model';
import { z } from 'zod';
import { sendDiscord } from './channels/discord';
import { sendEmail } from './channels/email';
import { sendGotify } from './channels/gotify';
import { sendNtfy } from './channels/ntfy';
import { sendSlack } from './channels/slack';
import { sendTeams } from './channels/teams';
import { sendTelegram } from './channels/telegram';
import { sendWebhook } from './channels/webhook';
import { seconds } from './http';
import { scrub, secretsOf } from './text';
import { failed, type SendOptions } from './types';

/** a send ends within this unless the caller says otherwise */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** past the timeout, how long a sender gets to wind down before sendTo answers without it */
export const TIMEOUT_GRACE_MS = 1_000;

/** what sendTo needs of a channel: its type and its config (as stored, or as typed in for a test) */
export type ChannelTarget = { [T in ChannelType]: { type: T; config: z.input<(typeof CHANNEL_CONFIGS)[T]> } }[ChannelType];
type ParsedTarget = { [T in ChannelType]: { type: T; config: ChannelConfig<T> } }[ChannelType];

export type SendToOptions = Partial<SendOptions>;

const Target = z.discriminatedUnion('type', [
  z.object({ type: z.literal('webhook'), config: CHANNEL_CONFIGS.webhook }),
  z.object({ type: z.literal('email'), config: CHANNEL_CONFIGS.email }),
  z.object({ type: z.literal('ntfy'), config: CHANNEL_CONFIGS.ntfy }),
  z.object({ type: z.literal('gotify'), config: CHANNEL_CONFIGS.gotify }),
  z.object({ type: z.literal('slack'), config: CHANNEL_CONFIGS.slack }),
  z.object({ type: z.literal('discord'), config: CHANNEL_CONFIGS.discord }),
  z.object({ type: z.literal('telegram'), config: CHANNEL_CONFIGS.telegram }),
  z.object({ type: z.literal('teams'), config: CHANNEL_CONFIGS.teams }),
]);

function dispatch(t: ParsedTarget, n: Notification, opts: SendOptions): Promise<SendResult> {
  switch (t.type) {
    case 'webhook':
      return sendWebhook(t.config, n, opts);
    case 'email':
      return sendEmail(t.config, n, opts);
    case 'ntfy':
      return sendNtfy(t.config, n, opts);
    case 'gotify':
      return sendGotify(t.config, n, opts);
    case 'slack':
      return sendSlack(t.config, n, opts);
    case 'discord':
      return sendDiscord(t.config, n, opts);
    case 'telegram':
      return sendTelegram(t.config, n, opts);
    case 'teams':
      return sendTeams(t.config, n, opts);
  }
}

/** deliver one notification to one channel; never throws, never waits past timeoutMs (+ a short grace) */
export async function sendTo(channel: ChannelTarget, n: Notification, opts: SendToOptions = {}): Promise<SendResult> {
  const type = ChannelType.safeParse((channel as { type?: unknown })?.type);
  if (!type.success) return failed('unknown channel type');
  const secrets = secretsOf(type.data, (channel as { config?: unknown }).config);
  const parsed = Target.safeParse(channel);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.filter((p) => p !== 'config').join('.') || 'config'}: ${i.message}`);
    return failed(scrub(`invalid ${type.data} configuration — ${issues.join('; ')}`, secrets));
  }
  const timeoutMs = opts.timeoutMs && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<SendResult>((resolve) => {
    timer = setTimeout(() => resolve(failed(`no answer within ${seconds(timeoutMs)}`)), timeoutMs + TIMEOUT_GRACE_MS);
  });
  try {
    const r = await Promise.race([dispatch(parsed.data as ParsedTarget, n, { ...opts, timeoutMs }), late]);
    return { ok: r.ok, status: r.status, detail: scrub(r.detail, secrets) };
  } catch (e) {
    return failed(scrub(`unexpected failure: ${e instanceof Error ? e.message : String(e)}`, secrets));
  } finally {
    clearTimeout(timer);
  }
}
