// sendTo: the dispatcher's one call. Every HTTP channel against the same local receiver and the same failures —
// a 500 whose body echoes the secrets, no answer, a refused connection, a redirect — each ok:false with a clear
// detail and no secret in it; plus config checks, the default timeout, cancel, and a fetch that throws.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, notification, startReceiver, type Receiver } from './receiver.test-helper';
import { DEFAULT_TIMEOUT_MS, sendTo, type ChannelTarget } from './send';

const TG = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
/** every HTTP channel pointed at base, with a secret each, and the strings that must never show in a detail */
function channels(base: string): { target: ChannelTarget; secrets: string[] }[] {
  return [
    { target: { type: 'webhook', config: { url: `${base}/hooks/wh-Secret-Path-0001?key=wh-query-secret`, secret: 'webhook-signing-secret-0001' } }, secrets: ['wh-Secret-Path-0001', 'wh-query-secret', 'webhook-signing-secret-0001'] },
    { target: { type: 'ntfy', config: { url: `${base}/quorate-topic-s3cr3t`, token: 'tk_ntfytoken0123456789abcdef' } }, secrets: ['quorate-topic-s3cr3t', 'tk_ntfytoken0123456789abcdef'] },
    { target: { type: 'gotify', config: { url: base, token: 'AgotifyAppToken.9' } }, secrets: ['AgotifyAppToken.9'] },
    { target: { type: 'slack', config: { url: `${base}/services/T0SLACK01/B0SLACK02/slackSecretXXXXXXXXXXXXX` } }, secrets: ['T0SLACK01', 'slackSecretXXXXXXXXXXXXX', '/services/T0SLACK01'] },
    { target: { type: 'discord', config: { url: `${base}/api/webhooks/998877665544/discord-Token_secret-abc` } }, secrets: ['998877665544', 'discord-Token_secret-abc'] },
    { target: { type: 'telegram', config: { botToken: TG, chatId: '@quorate_alerts', apiUrl: base } }, secrets: [TG, TG.split(':')[1]!] },
    { target: { type: 'teams', config: { url: `${base}/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=teamsSig-secret-123` } }, secrets: ['teamsSig-secret-123'] },
  ];
}

let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver();
});
afterEach(() => rx.close());

const noSecret = (detail: string, secrets: string[]): void => {
  for (const s of secrets) expect(detail, `"${s}" leaked`).not.toContain(s);
};

describe('sendTo: the same failures on every HTTP channel', () => {
  it('a 500 whose body echoes every secret: ok false, status 500, the origin and the reply, no secret', async () => {
    for (const { target, secrets } of channels(rx.url)) {
      // the worst case: a server (or proxy) that repeats the request in its error page
      rx.answer((req) => ({ status: 500, body: `upstream failed for POST ${rx.url}${req.url} auth=${String(req.headers['authorization'] ?? req.headers['x-gotify-key'] ?? '')} ${secrets.join(' ')}` }));
      const r = await sendTo(target, notification(), { timeoutMs: 3_000 });
      expect(r.ok, target.type).toBe(false);
      expect(r.status, target.type).toBe(500);
      expect(r.detail, target.type).toMatch(new RegExp(`^(HTTP 500 from ${rx.url}: upstream failed|Telegram at)`));
      noSecret(r.detail, secrets);
      expect(r.detail.length).toBeLessThanOrEqual(500);
    }
    expect(rx.requests).toHaveLength(7);
  });

  it('no answer: ok false after the timeout, status null, "no answer from <origin> within N s"', async () => {
    rx.answer(() => 'hang');
    for (const { target, secrets } of channels(rx.url)) {
      const t0 = Date.now();
      const r = await sendTo(target, notification(), { timeoutMs: 300 });
      expect(Date.now() - t0, target.type).toBeLessThan(1_500);
      expect(r, target.type).toEqual({ ok: false, status: null, detail: `no answer from ${rx.url} within 0.3 s` });
      noSecret(r.detail, secrets);
    }
  });

  it('connection refused on a closed loopback port', async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    for (const { target, secrets } of channels(base)) {
      const r = await sendTo(target, notification(), { timeoutMs: 3_000 });
      expect(r, target.type).toEqual({ ok: false, status: null, detail: `${base}: connection refused` });
      noSecret(r.detail, secrets);
    }
  });

  it('a redirect is not followed: ok false with the 3xx, and nothing reaches the new location', async () => {
    rx.answer((req) => (req.url.startsWith('/elsewhere') ? { status: 200, body: 'ok' } : { status: 302, headers: { location: `${rx.url}/elsewhere/keep-out` } }));
    for (const { target, secrets } of channels(rx.url)) {
      const r = await sendTo(target, notification(), { timeoutMs: 3_000 });
      expect(r.ok, target.type).toBe(false);
      expect(r.status, target.type).toBe(302);
      expect(r.detail, target.type).toBe(`HTTP 302 from ${rx.url}: a redirect to ${rx.url}, not followed (check the URL)`);
      noSecret(r.detail, secrets);
    }
    expect(rx.requests.filter((q) => q.url.startsWith('/elsewhere'))).toEqual([]);
    expect(rx.requests).toHaveLength(7);
  });

  it('a large reply is read only up to 4 KiB, and quoted only in part', async () => {
    rx.answer({ status: 503, body: `${'busy '.repeat(200_000)}` });
    const r = await sendTo(channels(rx.url)[0]!.target, notification(), { timeoutMs: 3_000 });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(503);
    expect(r.detail.length).toBeLessThanOrEqual(500);
    expect(r.detail.endsWith('…')).toBe(true);
  });

  it('Telegram {ok: false} on 200 is a failure', async () => {
    rx.answer({ status: 200, body: { ok: false, error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' } });
    const { target, secrets } = channels(rx.url).find((c) => c.target.type === 'telegram')!;
    const r = await sendTo(target, notification(), { timeoutMs: 3_000 });
    expect(r).toEqual({ ok: false, status: 200, detail: `Telegram at ${rx.url} refused (403): Forbidden: bot was kicked from the supergroup chat` });
    noSecret(r.detail, secrets);
  });
});

describe('sendTo: dispatch, config, timeouts', () => {
  it('dispatches on type: each channel lands where its provider expects it', async () => {
    rx.answer((req) => (req.url.includes('/sendMessage') ? { status: 200, body: { ok: true, result: { message_id: 1 } } } : { status: 200, body: '{}' }));
    for (const { target } of channels(rx.url)) {
      const r = await sendTo(target, notification(), { timeoutMs: 3_000 });
      expect(r.ok, `${target.type}: ${r.detail}`).toBe(true);
    }
    expect(rx.requests.map((q) => q.url.split('?')[0])).toEqual([
      '/hooks/wh-Secret-Path-0001',
      '/quorate-topic-s3cr3t',
      '/message',
      '/services/T0SLACK01/B0SLACK02/slackSecretXXXXXXXXXXXXX',
      '/api/webhooks/998877665544/discord-Token_secret-abc',
      `/bot${TG}/sendMessage`,
      '/workflows/abc/triggers/manual/paths/invoke',
    ]);
  });

  it('an invalid or redacted config is refused before anything is sent, without echoing it', async () => {
    const a = await sendTo({ type: 'telegram', config: { botToken: '(set)', chatId: '@quorate_alerts' } }, notification());
    expect(a.ok).toBe(false);
    expect(a.detail).toContain('invalid telegram configuration — botToken: a bot token as BotFather gives it');
    const b = await sendTo({ type: 'webhook', config: { url: 'ftp://example.invalid/x', secret: 'short' } }, notification());
    expect(b).toEqual({ ok: false, status: null, detail: expect.stringContaining('invalid webhook configuration — url: an http(s) URL') });
    expect(b.detail).toContain('secret: a signing secret has at least 16 characters');
    const c = await sendTo({ type: 'pager' } as unknown as ChannelTarget, notification());
    expect(c).toEqual({ ok: false, status: null, detail: 'unknown channel type' });
    expect(rx.requests).toHaveLength(0);
  });

  it('the default timeout is 10 s; a caller cancel ends a send at once', async () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(10_000);
    rx.answer(() => 'hang');
    const ctl = new AbortController();
    const t0 = Date.now();
    const pending = sendTo(channels(rx.url)[0]!.target, notification(), { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 100);
    const r = await pending;
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(r).toEqual({ ok: false, status: null, detail: `cancelled before ${rx.url} answered` });
  });

  it('a fetch that throws with the secrets in its message: the detail keeps none of them', async () => {
    for (const { target, secrets } of channels('https://hooks.provider.example')) {
      const leaky: typeof fetch = async (input, init) => {
        const h = new Headers(init?.headers);
        throw new TypeError('fetch failed', { cause: new Error(`EAI_FAIL key=${h.get('x-gotify-key') ?? '-'} auth=${h.get('authorization') ?? '-'} ${String(input)}`) });
      };
      const r = await sendTo(target, notification(), { timeoutMs: 3_000, fetch: leaky });
      expect(r.ok).toBe(false);
      expect(r.detail, target.type).toMatch(/^https:\/\/hooks\.provider\.example: EAI_FAIL .* https:\/\/hooks\.provider\.example$/);
      noSecret(r.detail, secrets);
    }
  });
});
