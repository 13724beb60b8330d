import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notification, startReceiver, type Receiver } from '../receiver.test-helper';
import { gotifyMessageUrl, sendGotify } from './gotify';

const TOKEN = 'AJq8Wz0.KcPhRn2';
let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver({ status: 200, body: { id: 25, appid: 5, title: 't', message: 'm', priority: 8 } });
});
afterEach(() => rx.close());

describe('Gotify sender', () => {
  it('POSTs {server}/message with X-Gotify-Key and JSON {title, message, priority, extras}', async () => {
    const n = notification();
    const r = await sendGotify({ url: `${rx.url}/gotify`, token: TOKEN }, n, { timeoutMs: 5_000 });
    expect(r).toEqual({ ok: true, status: 200, detail: 'delivered: Gotify message 25' });
    const req = rx.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/gotify/message'); // the sub-path kept, the token not in the URL
    expect(req.headers['x-gotify-key']).toBe(TOKEN);
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    expect(req.json()).toEqual({
      title: n.title,
      message: n.body,
      priority: 8,
      extras: { 'client::display': { contentType: 'text/plain' }, 'client::notification': { click: { url: n.url } } },
    });
  });

  it('maps warning and info below critical', async () => {
    await sendGotify({ url: rx.url, token: TOKEN }, notification({ severity: 'warning', url: null }), { timeoutMs: 5_000 });
    await sendGotify({ url: `${rx.url}/`, token: TOKEN }, notification({ severity: 'info' }), { timeoutMs: 5_000 });
    expect(rx.requests.map((q) => q.url)).toEqual(['/message', '/message']);
    expect(rx.requests.map((q) => q.json().priority)).toEqual([5, 3]);
    expect(rx.requests[0]!.json().extras).toEqual({ 'client::display': { contentType: 'text/plain' } });
  });

  it('a 401 is a failure that names the origin and not the token', async () => {
    rx.answer({ status: 401, body: { error: 'Unauthorized', errorCode: 401, errorDescription: `you need to provide a valid access token or user credentials to access this api (${TOKEN})` } });
    const r = await sendGotify({ url: rx.url, token: TOKEN }, notification(), { timeoutMs: 5_000 });
    expect(r).toMatchObject({ ok: false, status: 401 });
    expect(r.detail).toBe(`HTTP 401 from ${rx.url}: Unauthorized`);
    expect(gotifyMessageUrl('https://push.example/gotify/?x=1')).toBe('https://push.example/gotify/message');
  });
});
