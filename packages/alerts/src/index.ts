// @quorate/alerts: issue 14's channel senders. sendTo() is the one entry point; the per-provider senders and
// their payload builders are exported for the dispatcher's tests and the channel page's previews.
export { sendTo, DEFAULT_TIMEOUT_MS, TIMEOUT_GRACE_MS, type ChannelTarget, type SendToOptions } from './send';
export type { SendOptions, Sender } from './types';
export { MAX_REPLY_BYTES } from './http';
export { scrub, secretsOf, originOf, clip } from './text';
export { sendWebhook, webhookBody, signBody, SIGNATURE_HEADER, DELIVERY_HEADER, WEBHOOK_VERSION } from './channels/webhook';
export { sendEmail, isLoopbackHost } from './channels/email';
export { sendNtfy, NTFY_PRIORITY } from './channels/ntfy';
export { sendGotify, GOTIFY_PRIORITY } from './channels/gotify';
export { sendSlack, slackPayload } from './channels/slack';
export { sendDiscord, discordPayload } from './channels/discord';
export { sendTelegram, telegramText } from './channels/telegram';
export { sendTeams, teamsPayload } from './channels/teams';
export { pingDeadman } from './deadman';
