// The edit form's PATCH body and test entry: SSH switched off on a cluster that had it is `ssh: null` in the
// PATCH (the BFF removes the block), never in the test entry; a cluster without SSH gets no ssh key at all.
import { describe, expect, it } from 'vitest';
import type { ClusterDetail } from '@quorate/model';
import { EMPTY_SSH } from './ClustersSshSchema';
import { editFormOf, patchOf, testEntryOf } from './ClustersEditSchema';

const API = { urls: ['https://10.0.0.11:8006'], tokenId: 'quorate@pve!dashboard', fingerprint: 'AB:CD' };
const base: ClusterDetail = { id: 'edge', name: 'Edge', source: 'pve', default: false, origin: 'runtime', settings: { api: API }, secrets: ['api.tokenSecret'] };
const withSsh: ClusterDetail = { ...base, settings: { api: API, ssh: { user: 'root', port: 22, nodes: [{ name: 'pve1', host: '10.0.0.11', hostKey: `SHA256:${'A'.repeat(43)}` }] } } };

describe('patchOf / testEntryOf', () => {
  it('SSH switched off: ssh null in the PATCH, absent from the test', () => {
    const f = { ...editFormOf(withSsh), ssh: EMPTY_SSH };
    expect(patchOf(withSsh, f)).toHaveProperty('ssh', null);
    expect(testEntryOf(withSsh, f)).not.toHaveProperty('ssh');
  });
  it('kept on: the block is sent; never had it: no ssh key', () => {
    const kept = editFormOf(withSsh);
    expect(kept.ssh.enabled).toBe(true);
    expect(patchOf(withSsh, kept)).toMatchObject({ ssh: { nodes: [{ name: 'pve1' }] } });
    expect(patchOf(base, editFormOf(base))).not.toHaveProperty('ssh');
  });
});
