import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notification, startReceiver, type Receiver } from '../receiver.test-helper';
import { sendTeams } from './teams';

interface TeamsBody {
  type: string;
  attachments: { contentType: string; contentUrl: null; content: { type: string; version: string; $schema: string; body: { type: string; text?: string; facts?: { title: string; value: string }[] }[]; actions?: { type: string; url: string }[] } }[];
}
const FLOW = '/workflows/5f1c/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Zx9-secret-signature';
let rx: Receiver;
beforeEach(async () => {
  rx = await startReceiver({ status: 202 });
});
afterEach(() => rx.close());

describe('Teams (Workflows) sender', () => {
  it('POSTs a message with one Adaptive Card 1.4 attachment', async () => {
    const n = notification();
    const r = await sendTeams({ url: `${rx.url}${FLOW}` }, n, { timeoutMs: 5_000 });
    expect(r).toEqual({ ok: true, status: 202, detail: `delivered: HTTP 202 from ${rx.url}` });
    const req = rx.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe(FLOW);
    const b = req.json<TeamsBody>();
    expect(b.type).toBe('message');
    expect(b.attachments).toHaveLength(1);
    const a = b.attachments[0]!;
    expect(a.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(a.contentUrl).toBeNull();
    expect(a.content.type).toBe('AdaptiveCard');
    expect(Number(a.content.version)).toBeGreaterThanOrEqual(1.4);
    expect(a.content.$schema).toBe('http://adaptivecards.io/schemas/adaptive-card.json');
    expect(a.content.body[0]).toMatchObject({ type: 'TextBlock', text: n.title, wrap: true, color: 'Attention' });
    expect(a.content.body[1]).toMatchObject({ type: 'TextBlock', text: n.body, wrap: true });
    expect(a.content.body[2]!.facts).toContainEqual({ title: 'Cluster', value: 'Lab Zürich' });
    expect(a.content.actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open in Quorate', url: n.url }]);
  });

  it('a rejected flow fails without showing its signature', async () => {
    rx.answer({ status: 400, body: { error: { code: 'TriggerInputSchemaMismatch', message: 'The input body for trigger manual of type Request did not match its schema definition. sig=Zx9-secret-signature' } } });
    const r = await sendTeams({ url: `${rx.url}${FLOW}` }, notification(), { timeoutMs: 5_000 });
    expect(r.ok).toBe(false);
    expect(r.status).toBe(400);
    expect(r.detail).toContain('did not match its schema');
    expect(r.detail).not.toContain('Zx9-secret-signature');
  });
});
