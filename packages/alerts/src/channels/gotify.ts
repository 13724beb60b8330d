// Gotify: https://gotify.net/docs/pushmsg — POST {server}/message with the application token (header
// `X-Gotify-Key`, the form the server's auth reads first; `?token=` would put it in logs) and JSON
// {title, message, priority, extras}. Priorities as the Android app treats them: 0 silent, 1–3 low, 4–7 sound,
// ≥ 8 high (pops up). Extras (https://gotify.net/docs/msgextras): `client::display` contentType text/plain,
// `client::notification` click.url to open the dashboard. A server under a sub-path (https://host/gotify/) keeps it.
import type { Severity } from '@quorate/model';
import { JSON_HEADERS, post, verdict } from '../http';
import { clip, secretsOf } from '../text';
import { delivered, guarded, type Sender } from '../types';

export const GOTIFY_PRIORITY: Record<Severity, number> = { critical: 8, warning: 5, info: 3 };

/** {server}/message, keeping a sub-path the server is mounted under */
export function gotifyMessageUrl(server: string): string {
  const base = new URL(server);
  base.search = '';
  base.hash = '';
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return new URL('message', base).href;
}

export const sendGotify: Sender<'gotify'> = (config, n, opts) => {
  const secrets = secretsOf('gotify', config);
  return guarded(secrets, async () => {
    const url = gotifyMessageUrl(config.url);
    const extras: Record<string, unknown> = { 'client::display': { contentType: 'text/plain' } };
    if (n.url) extras['client::notification'] = { click: { url: n.url } };
    const body = JSON.stringify({ title: clip(n.title, 250), message: clip(n.body || n.title, 4_000), priority: GOTIFY_PRIORITY[n.severity], extras });
    return verdict(url, await post({ url, headers: { ...JSON_HEADERS, 'X-Gotify-Key': config.token }, body }, opts), secrets, (reply) => {
      try {
        const j = JSON.parse(reply.body) as { id?: unknown };
        if (typeof j.id === 'number') return delivered(`delivered: Gotify message ${j.id}`, reply.status);
      } catch {
        /* the status is the answer */
      }
      return null;
    });
  });
};
