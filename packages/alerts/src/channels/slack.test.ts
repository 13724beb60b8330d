import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notification, startReceiver, type Receiver } from '../receiver.test-helper';
import { sendSlack, SLACK_MAX_HEADER, SLACK_MAX_SECTION, SLACK_MAX_TEXT } from './slack';

interface SlackBody {
  text: string;
  blocks: { type: string; text?: { type: string; text: string }; elements?: { text: string }[] }[];
}
const HOOK = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver({ status: 200, body: 'ok' });
});
afterEach(() => rx.close());

describe('Slack-compatible sender (Slack, Mattermost, Rocket.Chat)', () => {
  it('POSTs JSON whose text carries the whole message, escaped, with header and section blocks', async () => {
    const n = notification({ body: 'pve2 <!channel> & pve3 > gone' });
    const r = await sendSlack({ url: `${rx.url}${HOOK}` }, n, { timeoutMs: 5_000 });
    expect(r.ok).toBe(true);
    const req = rx.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe(HOOK);
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    const b = req.json<SlackBody>();
    expect(b.text).toContain(n.title);
    expect(b.text).toContain('pve2 &lt;!channel&gt; &amp; pve3 &gt; gone');
    expect(b.text).not.toContain('<!channel>');
    expect(b.text).toContain(`<${n.url}|Open in Quorate>`);
    expect(b.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: n.title, emoji: true } });
    expect(b.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'pve2 &lt;!channel&gt; &amp; pve3 &gt; gone' } });
  });

  it('keeps within Slack limits: text 4000, header 150, section 3000, each cut with "…"', async () => {
    await sendSlack({ url: `${rx.url}${HOOK}` }, notification({ title: 'T'.repeat(240), body: 'b'.repeat(3_990), url: null }), { timeoutMs: 5_000 });
    const b = rx.requests[0]!.json<SlackBody>();
    expect(b.text.length).toBeLessThanOrEqual(SLACK_MAX_TEXT);
    expect(b.text.endsWith('…')).toBe(true);
    expect(b.blocks[0]!.text!.text.length).toBe(SLACK_MAX_HEADER);
    expect(b.blocks[0]!.text!.text.endsWith('…')).toBe(true);
    expect(b.blocks[1]!.text!.text.length).toBe(SLACK_MAX_SECTION);
    expect(b.blocks).toHaveLength(2);
  });

  it("fails on Slack's error word and on Rocket.Chat's {success: false}", async () => {
    rx.answer({ status: 404, body: 'no_service' });
    const a = await sendSlack({ url: `${rx.url}${HOOK}` }, notification(), { timeoutMs: 5_000 });
    expect(a).toEqual({ ok: false, status: 404, detail: `HTTP 404 from ${rx.url}: no_service` });
    rx.answer({ status: 200, body: { success: false, error: 'Invalid integration' } });
    const b = await sendSlack({ url: `${rx.url}/hooks/abc/def` }, notification(), { timeoutMs: 5_000 });
    expect(b).toEqual({ ok: false, status: 200, detail: 'refused: Invalid integration' });
  });
});
