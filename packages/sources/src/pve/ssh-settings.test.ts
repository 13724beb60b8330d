// The pve kind's optional `ssh` block: validated at the edge, its inline key a secret, Quorate's own key
// when none is given, and a cluster with SSH watched by API + Corosync together.
import { utils } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { pveKind } from './kind';
import { PveSource } from './source';
import { sshClusterConfig } from './ssh-settings';
import { PveWithCorosync } from './with-corosync';

const HOST_KEY = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';
const api = { urls: ['https://127.0.0.1:8006'], tokenId: 'quorate@pve!dashboard', tokenSecret: 'sekrit', fingerprint: 'AB:'.repeat(31) + 'AB' };
const nodes = [
  { name: 'pve1', host: '127.0.0.1', hostKey: HOST_KEY },
  { name: 'pve2', host: '127.0.0.2', hostKey: HOST_KEY },
];
const ctx = { clusterId: 'c1', name: 'C1', log: () => undefined };

describe('pve ssh settings', () => {
  it('defaults user and port, and keeps the inline key a secret', () => {
    const key = utils.generateKeyPairSync('ed25519').private;
    const s = pveKind.settings.parse({ api, ssh: { privateKey: key, nodes } });
    expect(s.ssh).toMatchObject({ user: 'root', port: 22 });
    const { settings, secrets } = pveKind.takeSecrets(s);
    expect(JSON.stringify(settings)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(settings)).not.toContain('sekrit');
    expect(Object.keys(secrets).sort()).toEqual(['api.tokenSecret', 'ssh.privateKey']);
    expect(pveKind.giveSecrets(settings, secrets)).toEqual(s);
  });

  it('refuses what cannot work, naming the field', () => {
    const issues = (raw: unknown) => pveKind.settings.safeParse(raw).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ api, ssh: { nodes: [] } }).join()).toMatch(/ssh\.nodes/);
    expect(issues({ api, ssh: { nodes: [{ ...nodes[0], hostKey: 'nope' }] } }).join()).toMatch(/ssh\.nodes\.0\.hostKey: SHA256/);
    expect(issues({ api, ssh: { nodes: [nodes[0], nodes[0]] } }).join()).toMatch(/duplicate node name 'pve1'/);
    expect(issues({ api, ssh: { keyPath: '/k', privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----', nodes } }).join()).toMatch(/not both/);
    expect(issues({ api: { replay: '/tmp' }, ssh: { nodes } }).join()).toMatch(/replay directory has no nodes/);
    expect(issues({ api, ssh: { nodes, password: 'x' } }).join()).toMatch(/password|Unrecognized/i);
  });

  it('uses Quorate’s own key when none is given, and says so when there is none', () => {
    const s = pveKind.settings.parse({ api, ssh: { nodes } }).ssh!;
    expect(sshClusterConfig('c1', 'C1', s, 'OWN').nodes.every((n) => n.privateKey === 'OWN' && n.user === 'root' && n.port === 22)).toBe(true);
    expect(() => sshClusterConfig('c1', 'C1', s, null)).toThrow(/no SSH key/);
    const withPath = pveKind.settings.parse({ api, ssh: { keyPath: '/etc/quorate/id', nodes } }).ssh!;
    expect(sshClusterConfig('c1', 'C1', withPath, 'OWN').nodes[0]).toMatchObject({ keyPath: '/etc/quorate/id' });
  });

  it('creates API + Corosync together with SSH, the API alone without', async () => {
    expect(pveKind.create(pveKind.settings.parse({ api }), ctx)).toBeInstanceOf(PveSource);
    const both = pveKind.create(pveKind.settings.parse({ api, ssh: { nodes } }), { ...ctx, sshIdentity: () => null });
    expect(both).toBeInstanceOf(PveWithCorosync);
    expect(both.capabilities.expectedVotes).toBeDefined(); // the Corosync half's (it says why when unreachable)
  });

  it('a key file others can read is a settings issue', () => {
    const issues = pveKind.check(pveKind.settings.parse({ api, ssh: { keyPath: '/nonexistent/quorate-key', nodes } }));
    expect(issues.map((i) => i.path.join('.'))).toContain('ssh.keyPath');
  });
});
