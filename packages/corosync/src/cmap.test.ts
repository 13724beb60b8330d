import { describe, expect, it } from 'vitest';
import { cmapNumber, cmapPrefix, cmapString, parseCmap, parseCmapEntry, parseCmapTrackLine, type Cmap } from './cmap';
import { cmapNodelist, cmapTotemConfig, parseMemberIp, runtimeMembers, runtimeTotem, runtimeVotequorum } from './cmap-runtime';
import { fixture, stripHarnessPrefix } from './fixtures.test-helper';

function map(name: string): Cmap {
  const r = parseCmap(fixture(name));
  if (!r.ok) throw new Error(r.error.message);
  expect(r.warnings).toBeUndefined();
  return r.value;
}

describe('parseCmapEntry', () => {
  it('types values by their tag, keeping strings exact', () => {
    expect(parseCmapEntry('runtime.members.1.ip (str) = r(0) ip(198.18.0.11) ')).toEqual({
      key: 'runtime.members.1.ip', type: 'str', value: 'r(0) ip(198.18.0.11) ', raw: 'r(0) ip(198.18.0.11) ',
    });
    expect(parseCmapEntry('totem.config_version (u64) = 1')?.value).toBe(1);
    expect(parseCmapEntry('runtime.config.totem.knet_compression_level (i32) = -3')?.value).toBe(-3);
    expect(parseCmapEntry('resources.system.load_15min.current (dbl) = 0.250000')?.value).toBe(0.25);
    expect(parseCmapEntry('stats.knet.handle.tx_compress_time_min (u64) = 18446744073709551615')?.value).toBe(18446744073709551615n);
    expect(parseCmapEntry('some.key (bin)')).toEqual({ key: 'some.key', type: 'bin', value: null, raw: '' });
    expect(parseCmapEntry('some.key (bin) = ab\\x00')?.value).toBe('ab\\x00');
    expect(parseCmapEntry('empty.string (str) = ')?.value).toBe('');
  });

  it('rejects non-entries and values that do not fit their type', () => {
    expect(parseCmapEntry('Can\'t get value of x. Error CS_ERR_NOT_EXIST')).toBeNull();
    expect(parseCmapEntry('a (u32) = -1')).toBeNull();
    expect(parseCmapEntry('a (u32) = 12x')).toBeNull();
    expect(parseCmapEntry('a (xyz) = 1')).toBeNull();
    expect(parseCmapEntry('a (str)')).toBeNull();
  });
});

describe('parseCmap on the captured dumps', () => {
  it('full icmap dump: every line is an entry', () => {
    const m = map('cmapctl-full-icmap__3of3__node1.txt');
    expect(m.size).toBe(148);
    expect(cmapString(m, 'totem.cluster_name')).toBe('lab');
    expect(cmapNumber(m, 'nodelist.local_node_pos')).toBe(0);
    expect(m.get('resources.system.load_15min.current')).toMatchObject({ type: 'dbl', value: 0 });
    expect(m.get('runtime.services.cfg.service_id')).toMatchObject({ type: 'u16', value: 1 });
    expect(cmapPrefix(m, 'runtime.votequorum.').map((e) => e.key)).toEqual([
      'runtime.votequorum.ev_barrier',
      'runtime.votequorum.highest_node_id',
      'runtime.votequorum.lowest_node_id',
      'runtime.votequorum.this_node_id',
      'runtime.votequorum.two_node',
    ]);
  });

  it('full icmap dump: typed helpers', () => {
    const m = map('cmapctl-full-icmap__3of3__node1.txt');
    expect(runtimeTotem(m)).toEqual({
      tokenMs: 3650,
      consensusMs: 4380,
      tokenRetransmitMs: 869,
      joinMs: 50,
      mergeMs: 200,
      knetPing: [{ link: 0, intervalMs: 912, timeoutMs: 1825 }],
    });
    expect(cmapNodelist(m)).toEqual([
      { position: 0, nodeId: 1, name: 'pve1', quorumVotes: 1, addresses: [{ link: 0, address: '198.18.0.11' }] },
      { position: 1, nodeId: 2, name: 'pve2', quorumVotes: 1, addresses: [{ link: 0, address: '198.18.0.12' }] },
      { position: 2, nodeId: 3, name: 'pve3', quorumVotes: 1, addresses: [{ link: 0, address: '198.18.0.13' }] },
    ]);
    expect(cmapTotemConfig(m)).toEqual({
      clusterName: 'lab',
      configVersion: 1,
      transport: 'knet',
      cryptoCipher: 'aes256',
      cryptoHash: 'sha256',
      secureAuth: true,
      tokenMs: null,
      tokenCoefficientMs: null,
      linkMode: 'passive',
    });
    expect(runtimeMembers(m).map((x) => [x.nodeId, x.status, x.addresses[0]?.address, x.joinCount])).toEqual([
      [1, 'joined', '198.18.0.11', 1],
      [2, 'joined', '198.18.0.12', 1],
      [3, 'joined', '198.18.0.13', 1],
    ]);
  });

  it('members / votequorum / totem excerpt', () => {
    const m = map('cmapctl-members-votequorum-totem__3of3__node1.txt');
    expect(m.size).toBe(19);
    expect(runtimeMembers(m)).toEqual([1, 2, 3].map((id) => ({
      nodeId: id,
      status: 'joined',
      addresses: [{ link: 0, address: `198.18.0.1${id}` }],
      joinCount: 1,
      configVersion: 1,
    })));
    expect(runtimeVotequorum(m)).toEqual({
      thisNodeId: 1, lowestNodeId: 1, highestNodeId: 3, twoNode: false, evBarrier: 3, waitForAllStatus: null,
    });
    expect(runtimeTotem(m)).toMatchObject({ tokenMs: 3650, consensusMs: 4380, tokenRetransmitMs: null, knetPing: [] });
  });

  it('stats map: non-knet keys parse too', () => {
    const m = map('cmapctl-m-stats__3of3__node1.txt');
    expect(m.size).toBe(186);
    expect(m.get('stats.ipcs.service0.28512.0x55983c738370.procname')).toMatchObject({ type: 'str', value: 'corosync-cmapct' });
    expect(cmapNumber(m, 'stats.srp.mcast_rx')).toBe(21);
  });

  it('stats excerpt under loss', () => {
    const m = map('cmapctl-m-stats-excerpt__node3-30pct-egress-loss__node1.txt');
    expect(m.size).toBe(7);
    expect(cmapNumber(m, 'stats.srp.operational_token_lost')).toBe(5);
  });
});

describe('parseCmap edge cases', () => {
  it('warns about stray lines, keeps the last of repeated keys', () => {
    const r = parseCmap('a (u8) = 1\nCan\'t get value of b. Error CS_ERR_NOT_EXIST\na (u8) = 2\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(cmapNumber(r.value, 'a')).toBe(2);
    expect(r.warnings).toHaveLength(2);
  });

  it('accepts an empty listing, rejects text with no entries', () => {
    expect(parseCmap('')).toMatchObject({ ok: true });
    expect(parseCmap('Failed to initialize the cmap API. Error CS_ERR_LIBRARY\n')).toMatchObject({
      ok: false,
      error: { line: 1, message: 'no cmap entries found' },
    });
  });

  it('parseMemberIp reads several links', () => {
    expect(parseMemberIp('r(0) ip(10.0.0.1) r(1) ip(fd00::1) ')).toEqual([
      { link: 0, address: '10.0.0.1' },
      { link: 1, address: 'fd00::1' },
    ]);
  });
});

describe('parseCmapTrackLine on the tracking captures', () => {
  it('-T runtime.members: banner, then left/joined changes', () => {
    const lines = stripHarnessPrefix(fixture('sample.default.linkdown.cmapctl-T-runtime.members.txt')).split('\n').filter((l) => l !== '');
    const parsed = lines.map((l) => parseCmapTrackLine(l));
    expect(parsed.every((p) => p.ok)).toBe(true);
    const values = parsed.map((p) => (p.ok ? p.value : null));
    expect(values[0]).toEqual({ kind: 'banner' });
    const changes = values.slice(1).map((v) => (v?.kind === 'change' ? `${v.event} ${v.entry.key}=${String(v.entry.value)}` : v?.kind));
    expect(changes).toEqual([
      'modify runtime.members.3.status=left',
      'modify runtime.members.3.join_count=2',
      'modify runtime.members.3.status=joined',
      'modify runtime.members.3.status=left',
      'modify runtime.members.3.join_count=3',
      'modify runtime.members.3.status=joined',
      'modify runtime.members.3.status=left',
      'modify runtime.members.3.join_count=4',
      'modify runtime.members.3.status=joined',
    ]);
  });

  it('-t stats.knet.node3.link0.connected: 0/1 flips', () => {
    const lines = stripHarnessPrefix(fixture('sample.default.linkdown.cmapctl-m-stats-t-stats.knet.node3.link0.connected.txt'))
      .split('\n')
      .filter((l) => l !== '');
    const values = lines.map((l) => {
      const p = parseCmapTrackLine(l);
      if (!p.ok) throw new Error(p.error.message);
      return p.value.kind === 'change' ? `${p.value.entry.type}:${String(p.value.entry.value)}` : p.value.kind;
    });
    expect(values).toEqual(['banner', 'u8:0', 'u8:1', 'u8:0', 'u8:1', 'u8:0', 'u8:1']);
  });

  it('reads create/delete, blank and unknown-change lines; rejects others', () => {
    expect(parseCmapTrackLine('create> runtime.members.4.status (str) = joined\n')).toMatchObject({
      ok: true,
      value: { kind: 'change', event: 'create', entry: { key: 'runtime.members.4.status', value: 'joined' } },
    });
    expect(parseCmapTrackLine('delete> runtime.members.4.ip (str) = r(0) ip(10.0.0.4) ')).toMatchObject({
      ok: true,
      value: { kind: 'change', event: 'delete' },
    });
    expect(parseCmapTrackLine('')).toEqual({ ok: true, value: { kind: 'blank' } });
    expect(parseCmapTrackLine('unknown change> ')).toEqual({ ok: true, value: { kind: 'unknown-change' } });
    expect(parseCmapTrackLine('modify> nonsense')).toMatchObject({ ok: false, error: { line: 1 } });
    expect(parseCmapTrackLine('hello')).toMatchObject({ ok: false, error: { line: 1, text: 'hello' } });
    expect(parseCmapTrackLine('a\nb')).toMatchObject({ ok: false, error: { line: 0 } });
  });
});
