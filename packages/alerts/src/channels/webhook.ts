// Generic webhook: Quorate's own request, documented in issue 14 (there is no provider to follow): POST the
// Notification as JSON with {version: 1}, `X-Quorate-Delivery: <notification id>` (the same on a retry or a
// fallback, so a receiver can drop duplicates) and, with a secret, `X-Quorate-Signature: sha256=<hex>` — the
// HMAC-SHA256 of the exact body bytes, the scheme GitHub documents for its webhooks
// (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
import { createHmac } from 'node:crypto';
import type { Notification } from '@quorate/model';
import { JSON_HEADERS, post, verdict } from '../http';
import { clip, secretsOf } from '../text';
import { guarded, type Sender } from '../types';

export const WEBHOOK_VERSION = 1;
export const SIGNATURE_HEADER = 'X-Quorate-Signature';
export const DELIVERY_HEADER = 'X-Quorate-Delivery';

/** the body a webhook receives: the notification (title and body within the model's bounds) and the format version */
export function webhookBody(n: Notification): string {
  return JSON.stringify({ version: WEBHOOK_VERSION, ...n, title: clip(n.title, 250), body: clip(n.body, 4_000) });
}

/** `sha256=<hex>` of body under secret, as X-Quorate-Signature carries it */
export function signBody(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export const sendWebhook: Sender<'webhook'> = (config, n, opts) => {
  const secrets = secretsOf('webhook', config);
  return guarded(secrets, async () => {
    const body = webhookBody(n);
    const headers: Record<string, string> = { ...JSON_HEADERS, [DELIVERY_HEADER]: n.id, 'X-Quorate-Event': n.kind };
    if (config.secret) headers[SIGNATURE_HEADER] = signBody(Buffer.from(body, 'utf8'), config.secret);
    return verdict(config.url, await post({ url: config.url, headers, body }, opts), secrets);
  });
};
