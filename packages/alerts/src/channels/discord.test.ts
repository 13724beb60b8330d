import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notification, startReceiver, type Receiver } from '../receiver.test-helper';
import { DISCORD_MAX_DESCRIPTION, DISCORD_MAX_TITLE, sendDiscord } from './discord';

interface DiscordBody {
  content?: string;
  username: string;
  allowed_mentions: { parse: string[] };
  embeds: { title: string; description: string; color: number; timestamp: string; url?: string; footer: { text: string } }[];
}
const HOOK = '/api/webhooks/1234567890/abcDEF_token-XYZ';
let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver({ status: 200, body: { id: '1111', type: 0 } });
});
afterEach(() => rx.close());

describe('Discord sender', () => {
  it('POSTs an embed with wait=true (keeping thread_id) and mentions disabled', async () => {
    const n = notification();
    const r = await sendDiscord({ url: `${rx.url}${HOOK}?thread_id=42` }, n, { timeoutMs: 5_000 });
    expect(r.ok).toBe(true);
    const req = rx.requests[0]!;
    const u = new URL(req.url, rx.url);
    expect(u.pathname).toBe(HOOK);
    expect(u.searchParams.get('wait')).toBe('true');
    expect(u.searchParams.get('thread_id')).toBe('42');
    const b = req.json<DiscordBody>();
    expect(b.allowed_mentions).toEqual({ parse: [] });
    expect(b.content).toBeUndefined();
    expect(b.embeds).toHaveLength(1);
    expect(b.embeds[0]).toEqual({ title: n.title, description: n.body, color: 0xdc2626, timestamp: new Date(n.at).toISOString(), url: n.url, footer: { text: 'Lab Zürich' } });
  });

  it('keeps within the embed limits (title 256, description 4096), in UTF-16 units, without splitting a surrogate pair', async () => {
    await sendDiscord({ url: `${rx.url}${HOOK}` }, notification({ title: '😀'.repeat(200), body: 'x'.repeat(5_000) }), { timeoutMs: 5_000 });
    const e = rx.requests[0]!.json<DiscordBody>().embeds[0]!;
    expect(e.title.length).toBeLessThanOrEqual(DISCORD_MAX_TITLE);
    expect(e.title.endsWith('😀…')).toBe(true);
    expect(e.description.length).toBe(DISCORD_MAX_DESCRIPTION);
    expect(e.description.endsWith('…')).toBe(true);
  });

  it('a 429 says when to retry; the token in the URL never shows', async () => {
    rx.answer({ status: 429, body: { message: 'You are being rate limited.', retry_after: 1.5, global: false } });
    const r = await sendDiscord({ url: `${rx.url}${HOOK}` }, notification(), { timeoutMs: 5_000 });
    expect(r).toEqual({ ok: false, status: 429, detail: `HTTP 429 from ${rx.url}: You are being rate limited. (retry after 1.5 s)` });
    expect(r.detail).not.toContain('abcDEF_token-XYZ');
  });
});
