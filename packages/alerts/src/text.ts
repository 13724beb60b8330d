// Text helpers shared by the senders: cutting to a provider's limit with "…", escaping for the markups some
// providers parse, and keeping secrets out of what a send reports (SendResult.detail).
import { SECRET_FIELDS, type ChannelType } from '@quorate/model';

export const ELLIPSIS = '…';
/** SendResult.detail's own bound (model/alerts/notification.ts) */
export const MAX_DETAIL = 500;
/** how much of a provider's reply a detail quotes */
export const MAX_REPLY_QUOTE = 200;

/** s cut to at most max UTF-16 code units (what JS, Discord and Telegram count), "…" last when cut; never splits a surrogate pair */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  let end = max - ELLIPSIS.length;
  if (end > 0 && isHighSurrogate(s.charCodeAt(end - 1))) end -= 1;
  return s.slice(0, Math.max(0, end)) + ELLIPSIS;
}

/** s cut to at most maxBytes of UTF-8, "…" last when cut (ntfy counts bytes) */
export function clipBytes(s: string, maxBytes: number): string {
  const enc = new TextEncoder();
  if (enc.encode(s).length <= maxBytes) return s;
  const budget = maxBytes - enc.encode(ELLIPSIS).length;
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    const n = enc.encode(ch).length;
    if (bytes + n > budget) break;
    bytes += n;
    out += ch;
  }
  return out + ELLIPSIS;
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

/** one line of at most max characters: control characters and runs of white space become one space */
export function oneLine(s: string, max = MAX_REPLY_QUOTE): string {
  // eslint-disable-next-line no-control-regex
  return clip(s.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim(), max);
}

/** & < > as HTML entities: Telegram's HTML mode and Slack's mrkdwn both require exactly these three */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** an attribute value for Telegram's HTML (<a href="…">) */
export function escapeAttr(s: string): string {
  return escapeHtml(s).replace(/"/g, '&quot;');
}

/** scheme://host[:port] of a URL, the only part of one a detail may show (a webhook URL's path or query is its key) */
export function originOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(an invalid URL)';
  }
}

const REDACTED = '[redacted]';

/** the URL fields whose path is (or holds) a secret: a hook's key, an ntfy topic (which ntfy calls a password) */
const SECRET_PATHS: Record<ChannelType, readonly string[]> = {
  webhook: ['url'],
  email: [],
  ntfy: ['url'],
  gotify: [],
  slack: ['url'],
  discord: ['url'],
  telegram: [],
  teams: ['url'],
};
/** a path segment that looks like a key or an id ("T0123ABCD", a long token), not a word ("services", "webhooks") */
const tokenLike = (seg: string): boolean => seg.length >= 12 || (seg.length >= 6 && /\d/.test(seg));

/** every string in a channel's config that must never appear in a detail, longest first */
export function secretsOf(type: ChannelType, config: unknown): string[] {
  const out = new Set<string>();
  const add = (s: string | undefined): void => {
    if (s && s.length >= 4) {
      out.add(s);
      const enc = encodeURIComponent(s);
      if (enc !== s) out.add(enc);
    }
  };
  if (!config || typeof config !== 'object') return [];
  const cfg = config as Record<string, unknown>;
  const isUrl = (v: unknown): v is string => typeof v === 'string' && /^https?:\/\//i.test(v);
  for (const f of SECRET_FIELDS[type] ?? []) {
    const v = cfg[f];
    if (typeof v === 'string' && !isUrl(v)) add(v);
  }
  // every URL's path, query and user info (a Slack, Discord or Teams URL is its key, an ntfy topic is a
  // password); its origin is what a detail may show, and scrub() reduces any URL in a text to that
  for (const [field, v] of Object.entries(cfg)) {
    if (!isUrl(v)) continue;
    try {
      const u = new URL(v);
      add(decodeURIComponent(u.username));
      add(decodeURIComponent(u.password));
      add(u.search.slice(1));
      for (const [, val] of u.searchParams) add(val);
      if (!SECRET_PATHS[type].includes(field)) continue; // a Gotify server's or Telegram API's path is not a secret
      if (u.pathname.length > 1) add(u.pathname);
      for (const seg of u.pathname.split('/')) if (tokenLike(seg)) add(seg);
    } catch {
      /* not a URL after all */
    }
  }
  if (type === 'telegram' && typeof cfg.botToken === 'string') add(cfg.botToken.split(':')[1]);
  if (type === 'email' && typeof cfg.password === 'string') {
    // what AUTH PLAIN and AUTH LOGIN send, should a server echo it
    const user = typeof cfg.username === 'string' ? cfg.username : '';
    add(Buffer.from(cfg.password).toString('base64'));
    add(Buffer.from(`\0${user}\0${cfg.password}`).toString('base64'));
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/**
 * text fit for a detail: every known secret replaced, any URL reduced to its origin, bearer tokens and Telegram
 * bot tokens masked, control characters gone, at most MAX_DETAIL characters
 */
export function scrub(text: string, secrets: readonly string[]): string {
  // URLs first (a secret may be part of one), then every known secret wherever else it shows
  let s = text.replace(/\bhttps?:\/\/[^\s"'<>]+/gi, (u) => {
    const tail = /[.,;:)\]]*$/.exec(u)?.[0] ?? '';
    return originOf(u.slice(0, u.length - tail.length)) + tail;
  });
  for (const secret of secrets) s = s.split(secret).join(REDACTED);
  s = s.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`);
  s = s.replace(/\bbot\d{3,20}:[A-Za-z0-9_-]{10,}/g, `bot${REDACTED}`);
  return oneLine(s, MAX_DETAIL);
}
