import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notification, startReceiver, type Receiver } from '../receiver.test-helper';
import { sendTelegram, TELEGRAM_MAX_TEXT } from './telegram';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
let rx: Receiver;
const config = () => ({ botToken: TOKEN, chatId: '-1001234567890', apiUrl: `${rx.url}/` });
beforeEach(async () => {
  rx = await startReceiver({ status: 200, body: { ok: true, result: { message_id: 77, chat: { id: -1001234567890 } } } });
});
afterEach(() => rx.close());

/** the visible text Telegram gets from our HTML (the tags we use, then the three entities) */
const visible = (html: string): string =>
  html
    .replace(/<\/?b>|<a href="[^"]*">|<\/a>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('Telegram sender', () => {
  it('POSTs /bot<token>/sendMessage with chat_id, HTML text (escaped), parse_mode and no link preview', async () => {
    const n = notification();
    const r = await sendTelegram(config(), n, { timeoutMs: 5_000 });
    expect(r).toEqual({ ok: true, status: 200, detail: 'delivered: Telegram message 77' });
    const req = rx.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`/bot${TOKEN}/sendMessage`);
    const b = req.json<{ chat_id: string; text: string; parse_mode: string; disable_web_page_preview: boolean; link_preview_options: unknown }>();
    expect(b.chat_id).toBe('-1001234567890');
    expect(b.parse_mode).toBe('HTML');
    expect(b.disable_web_page_preview).toBe(true);
    expect(b.link_preview_options).toEqual({ is_disabled: true });
    expect(b.text.startsWith(`<b>${n.title}</b>\n`)).toBe(true);
    expect(b.text).toContain('(split-brain risk) &lt;&amp;&gt;');
    expect(b.text).toContain(`<a href="${n.url}">Open in Quorate</a>`);
    expect(visible(b.text)).toBe(`${n.title}\n${n.body}\nOpen in Quorate`);
  });

  it('keeps the visible text within 4096 characters', async () => {
    await sendTelegram(config(), notification({ body: '<&>'.repeat(2_000) }), { timeoutMs: 5_000 });
    const text = rx.requests[0]!.json<{ text: string }>().text;
    expect(visible(text).length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
    expect(visible(text)).toContain('…\nOpen in Quorate');
  });

  it('{ok: false} is a failure with its description — on a 400 and on a 200 alike — and never the token', async () => {
    rx.answer({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } });
    const a = await sendTelegram(config(), notification(), { timeoutMs: 5_000 });
    expect(a).toEqual({ ok: false, status: 400, detail: `Telegram at ${rx.url} refused (400): Bad Request: chat not found` });
    rx.answer({ status: 200, body: { ok: false, error_code: 429, description: `Too Many Requests for bot${TOKEN}`, parameters: { retry_after: 7 } } });
    const b = await sendTelegram(config(), notification(), { timeoutMs: 5_000 });
    expect(b.ok).toBe(false);
    expect(b.detail).toContain('refused (429): Too Many Requests');
    expect(b.detail).toContain('(retry after 7 s)');
    for (const r of [a, b]) {
      expect(r.detail).not.toContain(TOKEN);
      expect(r.detail).not.toContain(TOKEN.split(':')[1]);
    }
  });
});
