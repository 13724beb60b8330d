// ntfy: https://docs.ntfy.sh/publish/ — POST the message body to the topic URL, with the Title, Priority
// (1 min … 3 default … 5 max/urgent), Tags (comma-separated; emoji short codes) and Click headers, and
// `Authorization: Bearer <token>` for a protected topic (https://docs.ntfy.sh/publish/#access-tokens).
// HTTP header values are ASCII; ntfy decodes RFC 2047 encoded words in them (`=?UTF-8?B?…?=`, server.go
// maybeDecodeHeader, ntfy ≥ 2.4), so a title with "—" or "ü" goes encoded, not mangled. The message limit is
// 4096 bytes (server `message-size-limit`; a larger body becomes an attachment), so the body is cut to it.
import type { Notification, Severity } from '@quorate/model';
import { post, verdict } from '../http';
import { clip, clipBytes, secretsOf } from '../text';
import { delivered, guarded, type Sender } from '../types';

export const NTFY_MAX_MESSAGE_BYTES = 4096;
export const NTFY_MAX_TITLE = 250;

export const NTFY_PRIORITY: Record<Severity, number> = { critical: 5, warning: 4, info: 3 };

/** an ASCII header value as is; anything else as one RFC 2047 base64 encoded word */
export function headerValue(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return s;
  return `=?UTF-8?B?${Buffer.from(s.replace(/[\r\n]+/g, ' '), 'utf8').toString('base64')}?=`;
}

export function ntfyTags(n: Notification): string[] {
  const mood = n.kind === 'closed' ? 'white_check_mark' : n.severity === 'critical' ? 'rotating_light' : n.severity === 'warning' ? 'warning' : 'information_source';
  const tags = [mood];
  if (n.kind === 'test') tags.push('test');
  if (n.rule) tags.push(n.rule);
  return tags;
}

export const sendNtfy: Sender<'ntfy'> = (config, n, opts) => {
  const secrets = secretsOf('ntfy', config);
  return guarded(secrets, async () => {
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      'user-agent': 'Quorate-Alerts/1',
      Title: headerValue(clip(n.title, NTFY_MAX_TITLE)),
      Priority: String(NTFY_PRIORITY[n.severity]),
      Tags: ntfyTags(n).join(','),
    };
    if (n.url) {
      try {
        headers.Click = new URL(n.url).href; // percent-encoded: ASCII
      } catch {
        /* not a URL: no click action */
      }
    }
    if (config.token) headers.Authorization = `Bearer ${config.token}`;
    const body = clipBytes(n.body || n.title, NTFY_MAX_MESSAGE_BYTES);
    return verdict(config.url, await post({ url: config.url, headers, body }, opts), secrets, (reply) => {
      try {
        const j = JSON.parse(reply.body) as { id?: unknown };
        if (typeof j.id === 'string') return delivered(`delivered: ntfy message ${j.id}`, reply.status);
      } catch {
        /* an older or proxied server: the status is the answer */
      }
      return null;
    });
  });
};
