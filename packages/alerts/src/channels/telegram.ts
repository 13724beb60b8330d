// Telegram: https://core.telegram.org/bots/api#sendmessage — POST {apiUrl}/bot<token>/sendMessage with JSON
// {chat_id, text (1–4096 characters after entities parsing), parse_mode, link_preview_options}. HTML mode
// (https://core.telegram.org/bots/api#html-style): every <, > and & that is not markup must be &lt; &gt; &amp;.
// disable_web_page_preview is the pre-7.0 name of link_preview_options.is_disabled, still sent for a
// self-hosted Bot API server that predates it. Every reply is JSON {ok, result} or {ok: false, error_code,
// description, parameters?: {retry_after}}: ok:false is a failure whatever the HTTP status.
import type { Notification } from '@quorate/model';
import { JSON_HEADERS, post, verdict } from '../http';
import { clip, escapeAttr, escapeHtml, oneLine, originOf, secretsOf } from '../text';
import { delivered, failed, guarded, type Sender } from '../types';

export const TELEGRAM_MAX_TEXT = 4_096;
const LINK_TEXT = 'Open in Quorate';

/** the message in Telegram HTML; the visible text (title, body, link text) within 4096 characters */
export function telegramText(n: Notification): string {
  const linkLen = n.url ? 1 + LINK_TEXT.length : 0;
  const title = clip(n.title, 250);
  const body = clip(n.body, Math.max(0, TELEGRAM_MAX_TEXT - title.length - 1 - linkLen));
  let html = `<b>${escapeHtml(title)}</b>`;
  if (body) html += `\n${escapeHtml(body)}`;
  if (n.url) html += `\n<a href="${escapeAttr(n.url)}">${LINK_TEXT}</a>`;
  return html;
}

interface TelegramReply {
  ok?: unknown;
  description?: unknown;
  error_code?: unknown;
  parameters?: { retry_after?: unknown };
  result?: { message_id?: unknown };
}

function parseReply(body: string): TelegramReply | null {
  try {
    const j = JSON.parse(body) as unknown;
    return j && typeof j === 'object' ? (j as TelegramReply) : null;
  } catch {
    return null; // not Telegram's JSON: judged by status
  }
}

export function telegramUrl(apiUrl: string, botToken: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/bot${botToken}/sendMessage`;
}

export const sendTelegram: Sender<'telegram'> = (config, n, opts) => {
  const secrets = secretsOf('telegram', config);
  return guarded(secrets, async () => {
    const url = telegramUrl(config.apiUrl, config.botToken);
    const body = JSON.stringify({
      chat_id: config.chatId,
      text: telegramText(n),
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      disable_web_page_preview: true,
    });
    const outcome = await post({ url, headers: { ...JSON_HEADERS }, body }, opts);
    // Telegram's own words on a failure, whatever the status
    if ('reply' in outcome) {
      const { reply } = outcome;
      const j = parseReply(reply.body);
      if (j && j.ok === false) {
        const code = typeof j.error_code === 'number' ? j.error_code : reply.status;
        const retry = typeof j.parameters?.retry_after === 'number' ? ` (retry after ${j.parameters.retry_after} s)` : '';
        const said = typeof j.description === 'string' ? oneLine(j.description) : 'ok: false';
        return failed(`Telegram at ${originOf(url)} refused (${code}): ${said}${retry}`, reply.status);
      }
      if (j && j.ok === true && reply.status >= 200 && reply.status < 300) {
        const id = j.result?.message_id;
        return delivered(`delivered: Telegram message ${typeof id === 'number' ? id : '(no id)'}`, reply.status);
      }
    }
    return verdict(url, outcome, secrets);
  });
};
