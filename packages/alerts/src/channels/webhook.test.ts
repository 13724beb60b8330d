import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notification, startReceiver, type Receiver } from '../receiver.test-helper';
import { sendWebhook } from './webhook';

const SECRET = 'a-signing-secret-of-32-characters!';
let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver({ status: 204 });
});
afterEach(() => rx.close());

describe('webhook sender', () => {
  it('POSTs the notification as JSON with {version: 1}, the delivery id and an HMAC of the exact body bytes', async () => {
    const n = notification();
    const r = await sendWebhook({ url: `${rx.url}/hooks/quorate?src=q`, secret: SECRET }, n, { timeoutMs: 5_000 });
    expect(r).toEqual({ ok: true, status: 204, detail: expect.stringContaining('HTTP 204') });
    expect(rx.requests).toHaveLength(1);
    const req = rx.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/hooks/quorate?src=q');
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    expect(req.headers['x-quorate-delivery']).toBe(n.id);
    expect(req.json()).toEqual({ version: 1, ...n });
    // the receiver's check, computed independently over the raw bytes
    const sig = String(req.headers['x-quorate-signature']);
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
    const want = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(req.raw).digest('hex')}`);
    expect(timingSafeEqual(Buffer.from(sig), want)).toBe(true);
    // a tampered body would not verify
    const tampered = createHmac('sha256', SECRET).update(Buffer.concat([req.raw, Buffer.from(' ')])).digest('hex');
    expect(sig).not.toBe(`sha256=${tampered}`);
  });

  it('sends no signature without a secret, and the same delivery id on a retry', async () => {
    const n = notification({ kind: 'closed', id: 'inc-42:closed', durationMs: 95_000 });
    await sendWebhook({ url: `${rx.url}/h` }, n, { timeoutMs: 5_000 });
    await sendWebhook({ url: `${rx.url}/h` }, n, { timeoutMs: 5_000 });
    expect(rx.requests.map((q) => q.headers['x-quorate-signature'])).toEqual([undefined, undefined]);
    expect(rx.requests.map((q) => q.headers['x-quorate-delivery'])).toEqual(['inc-42:closed', 'inc-42:closed']);
    expect(rx.requests[1]!.json()).toMatchObject({ version: 1, kind: 'closed', durationMs: 95_000 });
  });

  it('says which origin failed, never the path', async () => {
    rx.answer({ status: 404, body: 'no hook /hooks/secret-path-123 here' });
    const r = await sendWebhook({ url: `${rx.url}/hooks/secret-path-123` }, notification(), { timeoutMs: 5_000 });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(404);
    expect(r.detail).toContain(`HTTP 404 from ${rx.url}`);
    expect(r.detail).not.toContain('secret-path-123');
  });
});
