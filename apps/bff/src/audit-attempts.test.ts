// Issue 7 item 11: every signed-in attempt to change something is on the record, also when it is
// refused before a route sees it; and each attempt has exactly one record.
import { afterEach, describe, expect, it } from 'vitest';
import { AuditPage } from '@quorate/model';
import { bearerFetch, sessionFetch, signIn, simCluster, startFake, type Harness } from './testing/harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const trail = async () => AuditPage.parse(await (await h!.api('/api/v1/audit?limit=100', { as: 'admin' })).json()).records;

describe('refused attempts are audited', () => {
  it('too large (413), malformed JSON (400), a missing CSRF token (403), a viewer’s fault (403): one record each', async () => {
    h = await startFake([simCluster('c1', 'c1', true)]);
    const s = await signIn(h.url, '/api/v1/auth/setup', 'admin', 'correct horse battery');
    const before = (await trail()).length;

    const big = await h.api('/api/v1/sim/faults', { method: 'POST', body: JSON.stringify({ action: 'heal', pad: 'x'.repeat(100_000) }) });
    expect(big.status).toBe(413);
    const bad = await h.api('/api/v1/tokens', { method: 'POST', as: 'admin', body: '{"name": ', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    const csrf = await sessionFetch(`${h.url}/api/v1/tokens`, s, { method: 'POST', body: { name: 'x', role: 'viewer' }, csrf: false });
    expect(csrf.status).toBe(403);
    const viewer = await h.api('/api/v1/sim/faults', { method: 'POST', as: 'viewer', body: { action: 'stop', nodes: ['pve3'] } });
    expect(viewer.status).toBe(403);

    const records = (await trail()).slice(0, -before || undefined);
    expect(records.map((r) => [r.operation, r.result, r.actor.name, r.message])).toEqual([
      ['POST /api/v1/sim/faults', 'refused', 'test-viewer', 'needs role operator'],
      ['POST /api/v1/tokens', 'refused', 'admin', 'missing or wrong CSRF token'],
      ['POST /api/v1/tokens', 'refused', 'test-admin', 'request body is not valid JSON'],
      ['POST /api/v1/sim/faults', 'refused', 'test-operator', expect.stringMatching(/^request body too large/)],
    ]);
  });

  it('a route that audits its own outcome gets no second record; a change without one (sign-out) gets the generic record', async () => {
    h = await startFake([simCluster('c1', 'c1', true)]);
    expect((await h.api('/api/v1/sim/faults', { method: 'POST', body: { action: 'stop', nodes: ['pve3'] } })).status).toBe(202);
    expect((await h.api('/api/v1/sim/faults', { method: 'POST', body: { action: 'stop', nodes: 'pve3' } })).status).toBe(400);
    const faults = (await trail()).filter((r) => r.operation.includes('fault'));
    expect(faults.map((r) => [r.operation, r.result])).toEqual([
      ['sim-fault', 'refused'],
      ['sim-fault', 'ok'],
    ]);
    // reads are not audited (only a read refused for its role is)
    expect((await h.api('/api/v1/snapshot')).status).toBe(200);
    expect((await trail()).some((r) => r.operation.startsWith('GET'))).toBe(false);
    // a bearer token's 'sign-out' has no session: still an attempt on the record
    expect((await bearerFetch(`${h.url}/api/v1/auth/logout`, h.tokens.viewer, { method: 'POST' })).status).toBe(204);
    expect((await trail())[0]).toMatchObject({ operation: 'POST /api/v1/auth/logout', result: 'ok', actor: { name: 'test-viewer' } });
  });
});
