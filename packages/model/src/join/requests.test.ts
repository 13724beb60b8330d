// The operation bodies: what the issue's examples send is accepted; bad names, duplicate links or nodes,
// unknown keys and long passwords are refused with a reason.
import { describe, expect, it } from 'vitest';
import { CreateRequest, DelnodeRequest, JoinRequest } from './requests';

const issues = (r: { success: boolean; error?: { issues: { message: string }[] } }) => (r.success ? [] : r.error!.issues.map((i) => i.message));

describe('operation requests', () => {
  it('join: the lab spare by name alone; a full pve join', () => {
    expect(JoinRequest.safeParse({ node: { name: 'pve4' }, dryRun: true }).success).toBe(true);
    const fp = Array.from({ length: 32 }, () => 'ab').join(':');
    const full = JoinRequest.parse({ node: { name: 'pve4', addresses: [{ link: 0, address: '10.0.0.4' }, { link: 1, address: '10.1.0.4' }] }, fingerprint: fp, credentials: { password: 'x' }, confirm: true });
    expect(full.fingerprint).toBe(fp.toUpperCase());
  });
  it('join: refusals say why', () => {
    expect(issues(JoinRequest.safeParse({ node: { name: 'pve_4' } }))).toEqual(['a node name: letters, digits and inner hyphens (e.g. pve4)']);
    expect(issues(JoinRequest.safeParse({ node: { name: 'pve4', addresses: [{ link: 0, address: 'a' }, { link: 0, address: 'b' }] } }))).toEqual(['one address per link']);
    expect(JoinRequest.safeParse({ node: { name: 'pve4' }, extra: 1 }).success).toBe(false);
    expect(JoinRequest.safeParse({ node: { name: 'pve4' }, credentials: { password: 'x'.repeat(129) } }).success).toBe(false);
    expect(JoinRequest.safeParse({ node: { name: 'pve4', addresses: [{ link: 8, address: 'a' }] } }).success).toBe(false);
  });
  it('create and delnode', () => {
    expect(CreateRequest.safeParse({ clusterName: 'lab', nodes: [{ name: 'pve1' }, { name: 'pve2' }, { name: 'pve3' }], confirm: true }).success).toBe(true);
    expect(issues(CreateRequest.safeParse({ clusterName: 'a-very-long-cluster', nodes: [{ name: 'pve1' }] }))).toEqual(['a cluster name has at most 15 characters']);
    expect(issues(CreateRequest.safeParse({ clusterName: 'lab', nodes: [{ name: 'pve1' }, { name: 'PVE1' }] }))).toEqual(['each node once']);
    expect(CreateRequest.safeParse({ clusterName: 'lab', nodes: [] }).success).toBe(false);
    expect(DelnodeRequest.safeParse({ node: 'pve3', confirm: true, clusterName: 'lab' }).success).toBe(true);
    expect(DelnodeRequest.safeParse({ node: '../pve3' }).success).toBe(false);
  });
});
