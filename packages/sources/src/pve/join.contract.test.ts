// The pve source's join over real HTTPS against fake Proxmox nodes on 127.0.0.1 (ops-fake.test-helper.ts):
// a join that rides out the joining node's pveproxy restart (resets, a NEW certificate, 401s) and ends OK; a
// failed join task; the Join Information and a standalone node's 424; a wrong root password; TOTP; the
// pre-flight's facts from both APIs. No other address is contacted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeJoinInfo, JoinFacts } from '@quorate/model';
import { capabilityNames, type JoinInput, type TaskIo } from '../source';
import { PveClient } from './client';
import { PveJoin } from './join';
import { pveKind } from './kind';
import { FakeNode, fixture, joinTask, type FakeCluster } from './ops-fake.test-helper';
import { selfSignedCert, type TestCert } from './tls.test-helper';
import { HttpsTransport, tokenAuthorizer } from './transport';

const TOKEN_ID = 'quorate@pve!dashboard';
const SECRET = '6f1c2a44-1d2e-4b7e-9a51-3c0f1e2d4a5b';
const MEMBER_PW = 'member-root-secret-9917';
const JOINER_PW = 'joiner-root-secret-7731';
const BOUNDS = { pollMs: 20, lostContactMs: 5_000, deadlineMs: 20_000 };

let dir: string;
let memberCert: TestCert;
let joinerCert: TestCert;
let joinerNewCert: TestCert;
const fakes: FakeNode[] = [];

beforeAll(() => {
  dir = mkdtempSync(joinPath(tmpdir(), 'quorate-pve-join-'));
  memberCert = selfSignedCert(dir, 'member', 'pve1.lab');
  joinerCert = selfSignedCert(dir, 'joiner', 'pve4.lab');
  joinerNewCert = selfSignedCert(dir, 'joiner-new', 'pve4.lab');
});
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** the lab cluster of the fixtures: pve1 (answering), pve2, pve3 offline */
const lab = (): FakeCluster => {
  const rows = (fixture('cluster__status__3node-pve3-offline__SYNTHETIC.json') as { data: { type: string; name: string; nodeid?: number; ip?: string; online?: number }[] }).data;
  return {
    name: 'lab',
    self: 'pve1',
    quorate: true,
    members: rows.filter((r) => r.type === 'node').map((r) => ({ name: r.name, nodeid: r.nodeid!, address: r.ip!, online: r.online === 1, fingerprint: r.name === 'pve1' ? memberCert.fingerprint : `${'AB:'.repeat(31)}0${r.nodeid}` })),
  };
};

const start = async (f: FakeNode) => {
  fakes.push(f);
  return f.start();
};
const member = (cluster: FakeCluster | null = lab()) => start(new FakeNode({ name: 'pve1', address: '198.18.0.11', cert: memberCert, rootPassword: MEMBER_PW, token: `${TOKEN_ID}=${SECRET}`, cluster }));
const joiner = (o: Partial<ConstructorParameters<typeof FakeNode>[0]> = {}) =>
  start(new FakeNode({ name: 'pve4', address: '198.18.0.14', cert: joinerCert, nextCert: joinerNewCert, rootPassword: JOINER_PW, cluster: null, joinTask: joinTask('ok'), ...o }));

/** the source's client: the API token, the member pinned */
const tokenClient = (m: FakeNode) => new PveClient(new HttpsTransport({ targets: [{ url: m.url, trust: { kind: 'fingerprint', fingerprint: memberCert.fingerprint } }], auth: tokenAuthorizer(TOKEN_ID, () => SECRET), timeoutMs: 3000 }));
const control = (m: FakeNode, bounds = BOUNDS) => new PveJoin({ client: tokenClient(m), bounds, timeoutMs: 3000 });

const io = (signal = new AbortController().signal): TaskIo & { lines: string[]; handles: Record<string, unknown>[] } => {
  const lines: string[] = [];
  const handles: Record<string, unknown>[] = [];
  return { lines, handles, log: (l) => lines.push(l), signal, checkpoint: (h) => handles.push(h) };
};

const input = (j: FakeNode, o: Partial<JoinInput['joiner']> = {}): JoinInput => ({
  name: 'pve4',
  addresses: [{ link: 0, address: '198.18.0.14' }],
  fingerprint: memberCert.fingerprint,
  password: MEMBER_PW,
  joiner: { url: j.url, fingerprint: joinerCert.fingerprint, password: JOINER_PW, ...o },
});

const noSecrets = (text: string) => {
  for (const s of [MEMBER_PW, JOINER_PW, SECRET, 'FAKE-SIGNATURE']) expect(text).not.toContain(s);
};

describe('pve join over the API (fake nodes on 127.0.0.1)', () => {
  it('joins through the restart: resets, a new certificate re-pinned from the cluster, a new ticket after 401; the task log once, in order', async () => {
    const m = await member();
    const j = await joiner({ onRestart: (fp) => m.joined.set('pve4', { address: '198.18.0.14', fingerprint: fp }) });
    const t = io();
    await control(m).join(input(j), t);

    // the task's lines, each once and in order (the fixture's log)
    const expected = joinTask('ok').lines;
    expect(t.lines.filter((l) => expected.includes(l))).toEqual(expected);
    // the POST: on the joining node, the member's address, certificate and password, the link; with the ticket's CSRF
    const post = j.requests.find((r) => r.method === 'POST' && r.path === 'cluster/config/join')!;
    expect(post.form).toEqual({ hostname: '198.18.0.11', fingerprint: memberCert.fingerprint, password: MEMBER_PW, link0: '198.18.0.14' });
    expect(post.csrf).toMatch(/^64E10CBA:FAKE-CSRF-/);
    expect(post.cookie).toBeDefined();
    // the POST's reply is the fixture's UPID, checkpointed at once for a restarted BFF (join-resume.ts)
    const upid = (fixture('cluster__config__join__POST__upid-clusterjoin__SYNTHETIC.json') as { data: string }).data;
    expect(t.lines).toContain(`pve4: task ${upid}`);
    expect(t.handles).toEqual([{ kind: 'pve-join', node: 'pve4', upid }]);
    // re-pinned to the certificate the cluster lists, and logged in again after the 401
    expect(t.lines).toContain(`pve4 presents a new API certificate ${joinerNewCert.fingerprint}: re-pinned (the cluster lists it as pve4's pve_fp in GET /cluster/config/join)`);
    expect(t.lines.some((l) => /ticket is no longer valid \(401\)/.test(l))).toBe(true);
    expect(j.requests.filter((r) => r.path === 'access/ticket')).toHaveLength(2);
    expect(t.lines.at(-1)).toBe(`pve4 joined; its API certificate is now ${joinerNewCert.fingerprint}`);
    noSecrets(t.lines.join('\n'));
    // the member only ever saw the token: no password went to it
    expect(m.requests.every((r) => r.authorization === `PVEAPIToken=${TOKEN_ID}=${SECRET}` && Object.keys(r.form).length === 0)).toBe(true);
  });

  it('a new certificate the cluster does not list yet is trusted for this call only, because the task announced it', async () => {
    const m = await member();
    const j = await joiner();
    const t = io();
    await control(m).join(input(j), t);
    expect(t.lines).toContain(`pve4 presents a new API certificate ${joinerNewCert.fingerprint}; the cluster does not list it yet: trusted for this call only, because the join task announced it ('generate new node certificate')`);
  });

  it('a certificate change the task did not announce and the cluster does not list is never trusted: the join fails after the bound', async () => {
    const m = await member();
    const silent = joinTask('ok');
    // the same join, but the certificate changes before the task said it made one
    const j = await joiner({ joinTask: { ...silent, restartAfter: 'Login succeeded.' } });
    const t = io();
    await expect(control(m, { ...BOUNDS, lostContactMs: 600 }).join(input(j), t)).rejects.toThrow(/lost contact with pve4 .* for 1 s .*presents another certificate .* neither the cluster lists nor the task announced: not trusted/);
    expect(t.lines.some((l) => l.includes('re-pinned'))).toBe(false);
  });

  it('a failed join task rejects with its error line (the cause, then the exit status)', async () => {
    const m = await member();
    const j = await joiner({ joinTask: joinTask('failed') });
    const t = io();
    const e = await control(m).join(input(j), t).catch((err: Error) => err);
    expect((e as Error).message).toBe('the join of pve4 failed: An error occurred on the cluster node: no links given but multiple links found on other nodes, fallback only supported on single-link clusters (Cluster join aborted!)');
    expect(t.lines.at(-1)).toBe('TASK ERROR: Cluster join aborted!');
  });

  it("the cluster's Join Information is the GUI's blob; a standalone node answers 424: not in a cluster", async () => {
    const m = await member();
    const info = decodeJoinInfo(await control(m).joinInformation());
    expect(info).toMatchObject({ ok: true, info: { clusterName: 'lab', address: '198.18.0.11', fingerprint: memberCert.fingerprint, links: [0], peerLinks: [{ link: 0, address: '198.18.0.11' }] } });
    const alone = await member(null);
    await expect(control(alone).joinInformation()).rejects.toThrow(/^this node is not in a cluster, so it has no Join Information \(424 node is not in a cluster, no join info available!\)/);
  });

  it("a wrong root password: a clear error without the password, and nothing is posted", async () => {
    const m = await member();
    const j = await joiner();
    const wrong = 'not-the-root-password-4242';
    const e = (await control(m).join(input(j, { password: wrong }), io()).catch((err: Error) => err)) as Error;
    expect(e.message).toMatch(/^pve4 \(https:\/\/127\.0\.0\.1:\d+\): root@pam's password was refused \(401 authentication failure\)/);
    expect(e.message).not.toContain(wrong);
    noSecrets(e.message);
    expect(j.requests.some((r) => r.path === 'cluster/config/join')).toBe(false);
  });

  it('TOTP: without a code a clear error; with the current one the login completes', async () => {
    const m = await member();
    const j = await joiner({ totp: '123456' });
    const e = (await control(m).join(input(j), io()).catch((err: Error) => err)) as Error;
    expect(e.message).toMatch(/^root@pam has TOTP: pve4 \(https:\/\/127\.0\.0\.1:\d+\) asks for a second factor after the password; give the current one-time code/);
    expect(j.requests.some((r) => r.path === 'cluster/config/join')).toBe(false);
    const wrongCode = (await control(m).join(input(j, { otp: '000000' }), io()).catch((err: Error) => err)) as Error;
    expect(wrongCode.message).toMatch(/root@pam has TOTP: .* refused the one-time code/);
    expect(wrongCode.message).not.toContain('000000');
    const facts = await control(m).joinFacts(input(j, { otp: '123456' }));
    expect(facts.joiner.guests).toBe(0);
    expect(j.requests.filter((r) => r.path === 'access/ticket').at(-1)!.form).toMatchObject({ 'tfa-challenge': 'PVE:!tfa!{"totp":true}::FAKE-HALF', password: 'totp:123456' });
  });

  it('a cancel before the POST changes nothing', async () => {
    const m = await member();
    const j = await joiner();
    const ac = new AbortController();
    ac.abort();
    await expect(control(m).join(input(j), io(ac.signal))).rejects.toThrow(/cancelled before it was requested: nothing changed/);
    expect(j.requests.some((r) => r.path === 'cluster/config/join')).toBe(false);
  });

  it("the pre-flight's facts: the cluster from the token, the joiner from its own API, probes unmeasured", async () => {
    const m = await member();
    const j = await joiner({ guests: 2, clockOffsetMs: 1500 });
    const facts = JoinFacts.parse(await control(m).joinFacts(input(j)));
    expect(facts.cluster).toMatchObject({ name: 'lab', quorate: true, links: [0], qdevice: false, memberFingerprint: memberCert.fingerprint });
    expect(facts.cluster.members.map((x) => [x.name, x.id, x.online, x.addresses[0]?.address, x.pveVersion])).toEqual([
      ['pve1', 1, true, '198.18.0.11', '7.4-16'],
      ['pve2', 2, true, '198.18.0.12', null], // the fake answers for itself (pve1) only
      ['pve3', 3, false, '198.18.0.13', null],
    ]);
    expect(facts.joiner).toMatchObject({ name: 'pve4', clustered: { corosyncConf: false, clusterName: null }, guests: 2, pveVersion: '7.4-16', corosyncVersion: '3.1.7', localAddresses: ['198.18.0.14'] });
    expect(facts.joiner.clockOffsetMs).toEqual(expect.any(Number));
    expect(Math.abs((facts.joiner.clockOffsetMs as number) - 1500)).toBeLessThan(300);
    expect(facts.joiner.resolvesTo).toEqual({ unmeasured: expect.stringMatching(/add SSH/) });
    expect(facts.probes).toEqual({ unmeasured: "the API cannot probe Corosync's UDP port; add SSH to measure it" });
    expect(facts.fingerprint).toBe(memberCert.fingerprint);
    // without access to the joining node: every measurement of it says why
    const none = JoinFacts.parse(await control(m).joinFacts({ name: 'pve4' }));
    expect(none.joiner.guests).toEqual({ unmeasured: "no access to pve4's API was given (its URL, certificate fingerprint and root@pam password)" });
    expect(none.joiner.access).toEqual({ ok: false, detail: "no access to pve4's API was given (its URL, certificate fingerprint and root@pam password)" });
    expect(facts.joiner.access).toMatchObject({ ok: true, detail: expect.stringMatching(/^logged in to pve4 \(https:\/\/127\.0\.0\.1:\d+\) as root@pam$/) });
    // a wrong root password: the access check fails (the run would), and the password is in no word of it
    const refused = JoinFacts.parse(await control(m).joinFacts({ ...input(j), joiner: { ...input(j).joiner!, password: 'not-the-password-42' } }));
    expect(refused.joiner.access?.ok).toBe(false);
    expect(refused.joiner.access?.detail).not.toContain('not-the-password-42');
    // a clustered joiner is seen as one
    const other = await start(new FakeNode({ name: 'pve4', address: '198.18.0.14', cert: joinerCert, rootPassword: JOINER_PW, cluster: { name: 'other', self: 'pve4', quorate: true, members: [{ name: 'pve4', nodeid: 1, address: '198.18.0.14', online: true, fingerprint: joinerCert.fingerprint }] } }));
    const clustered = JoinFacts.parse(await control(m).joinFacts(input(other)));
    expect(clustered.joiner.clustered).toMatchObject({ corosyncConf: true, clusterName: 'other' });
  });
});

describe('pve kind: the operations over HTTPS only', () => {
  it('a source over HTTPS can join, create and delnode; a replay directory cannot (both read the advisor facts)', () => {
    const ctx = { clusterId: 'prod', name: 'Prod', log: () => {} };
    const live = pveKind.create(pveKind.settings.parse({ api: { urls: ['https://127.0.0.1:9'], tokenId: TOKEN_ID, tokenSecret: SECRET, fingerprint: memberCert.fingerprint } }), ctx);
    expect(capabilityNames(live.capabilities)).toEqual(['join', 'create', 'delnode', 'advisorFacts']);
    const replay = pveKind.create(pveKind.settings.parse({ api: { replay: joinPath(import.meta.dirname, 'fixtures/healthy') } }), ctx);
    expect(capabilityNames(replay.capabilities)).toEqual(['advisorFacts']);
  });
});
