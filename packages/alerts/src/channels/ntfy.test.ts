import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notification, startReceiver, type Receiver } from '../receiver.test-helper';
import { headerValue, sendNtfy } from './ntfy';

let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver({ status: 200, body: { id: 'hwQ2YpKdmg', event: 'message', topic: 'quorate-alerts' } });
});
afterEach(() => rx.close());

/** what ntfy's maybeDecodeHeader does with an RFC 2047 encoded word */
const decodeWord = (v: string): string => {
  const m = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/i.exec(v);
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : v;
};

describe('ntfy sender', () => {
  it('POSTs the body to the topic URL with Title (RFC 2047 when not ASCII), Priority, Tags, Click and the bearer token', async () => {
    const n = notification();
    const r = await sendNtfy({ url: `${rx.url}/quorate-alerts`, token: 'tk_0123456789abcdefghijklmnop' }, n, { timeoutMs: 5_000 });
    expect(r).toEqual({ ok: true, status: 200, detail: 'delivered: ntfy message hwQ2YpKdmg' });
    const req = rx.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/quorate-alerts');
    expect(req.text).toBe(n.body);
    expect(req.headers['content-type']).toMatch(/^text\/plain/);
    const title = String(req.headers['title']);
    expect(title).toMatch(/^=\?UTF-8\?B\?/); // "—" is not ASCII
    expect(decodeWord(title)).toBe(n.title);
    expect(req.headers['priority']).toBe('5');
    expect(req.headers['tags']).toBe('rotating_light,quorum-lost');
    expect(req.headers['click']).toBe(n.url);
    expect(req.headers['authorization']).toBe('Bearer tk_0123456789abcdefghijklmnop');
  });

  it('maps severities to priorities 5/4/3, keeps an ASCII title as is, sends no Authorization without a token', async () => {
    for (const severity of ['critical', 'warning', 'info'] as const) {
      await sendNtfy({ url: `${rx.url}/t` }, notification({ severity, title: 'plain ASCII title' }), { timeoutMs: 5_000 });
    }
    expect(rx.requests.map((q) => q.headers['priority'])).toEqual(['5', '4', '3']);
    expect(rx.requests.map((q) => q.headers['title'])).toEqual(['plain ASCII title', 'plain ASCII title', 'plain ASCII title']);
    expect(rx.requests[0]!.headers['authorization']).toBeUndefined();
  });

  it('cuts a body over 4096 bytes with "…", and a closed incident is tagged as resolved', async () => {
    const body = 'ü'.repeat(3_000); // 6000 bytes
    await sendNtfy({ url: `${rx.url}/t` }, notification({ body, kind: 'closed' }), { timeoutMs: 5_000 });
    const req = rx.requests[0]!;
    expect(req.raw.length).toBeLessThanOrEqual(4096);
    expect(req.text.endsWith('…')).toBe(true);
    expect(req.text.startsWith('üüü')).toBe(true);
    expect(String(req.headers['tags']).split(',')[0]).toBe('white_check_mark');
  });

  it('turns user:password in the topic URL into Basic auth', async () => {
    await sendNtfy({ url: rx.url.replace('http://', 'http://phil:s3cret-pass@') + '/t' }, notification(), { timeoutMs: 5_000 });
    expect(rx.requests[0]!.headers['authorization']).toBe(`Basic ${Buffer.from('phil:s3cret-pass').toString('base64')}`);
  });

  it('encodes only what needs it', () => {
    expect(headerValue('abc')).toBe('abc');
    expect(decodeWord(headerValue('Zürich\r\nX-Injected: 1'))).toBe('Zürich X-Injected: 1');
  });
});
