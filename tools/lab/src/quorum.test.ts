import { describe, expect, it } from 'vitest';
import { renderCorosyncConf } from './conf';
import { describeQuorum, parseQuorumOptions, parseVotes, quorumConfLines, validateQuorum } from './quorum';

describe('parseQuorumOptions', () => {
  it('reads flags, explicit 0/1 and valued options', () => {
    expect(parseQuorumOptions('two_node')).toEqual({ twoNode: true });
    expect(parseQuorumOptions('two_node,wait_for_all=0')).toEqual({ twoNode: true, waitForAll: false });
    expect(parseQuorumOptions('auto_tie_breaker,auto_tie_breaker_node=highest')).toEqual({ autoTieBreaker: true, autoTieBreakerNode: 'highest' });
    expect(parseQuorumOptions('auto_tie_breaker=1, auto_tie_breaker_node=3+pve1')).toEqual({ autoTieBreaker: true, autoTieBreakerNode: [3, 1] });
    expect(parseQuorumOptions('auto_tie_breaker,auto_tie_breaker_node=4 2')).toEqual({ autoTieBreaker: true, autoTieBreakerNode: [4, 2] });
    expect(parseQuorumOptions('last_man_standing,last_man_standing_window=5000,wait_for_all')).toEqual({
      lastManStanding: true,
      lastManStandingWindowMs: 5000,
      waitForAll: true,
    });
  });

  it.each([
    ['', /at least one option/],
    ['two_node,,wait_for_all', /empty option/],
    ['quorate', /unknown option "quorate" \(known: two_node, wait_for_all, auto_tie_breaker, last_man_standing, auto_tie_breaker_node, last_man_standing_window\)/],
    ['two_node,two_node', /two_node given twice/],
    ['wait_for_all=yes', /wait_for_all=0 to turn it off/],
    ['auto_tie_breaker,auto_tie_breaker_node', /needs a value: lowest, highest or node ids/],
    ['auto_tie_breaker,auto_tie_breaker_node=middle', /"middle" is not a node/],
    ['auto_tie_breaker,auto_tie_breaker_node=2+2', /listed twice/],
    ['last_man_standing,last_man_standing_window=5s', /needs a number of milliseconds/],
  ])('refuses %j', (text, message) => {
    expect(() => parseQuorumOptions(text)).toThrow(message);
  });
});

describe('parseVotes', () => {
  it('reads NODE=VOTES pairs by name or id', () => {
    expect(parseVotes('pve3=2')).toEqual({ 3: 2 });
    expect(parseVotes('pve3=2,1=1')).toEqual({ 3: 2, 1: 1 });
  });
  it.each([
    ['', /NODE=VOTES pairs/],
    ['pve3', /"pve3" is not NODE=VOTES/],
    ['pve3=two', /is not NODE=VOTES/],
    ['node3=2', /"node3" is not a node/],
    ['pve3=2,3=1', /pve3 given twice/],
  ])('refuses %j', (text, message) => {
    expect(() => parseVotes(text)).toThrow(message);
  });
});

describe('validateQuorum', () => {
  it('returns the votes of every node', () => {
    expect(validateQuorum(3, {})).toEqual([1, 1, 1]);
    expect(validateQuorum(3, {}, { 3: 2 })).toEqual([1, 1, 2]);
    expect(validateQuorum(2, { twoNode: true, waitForAll: false })).toEqual([1, 1]);
    expect(validateQuorum(4, { autoTieBreaker: true, autoTieBreakerNode: [4, 1] })).toEqual([1, 1, 1, 1]);
    expect(validateQuorum(4, { lastManStanding: true, lastManStandingWindowMs: 5000, waitForAll: true })).toEqual([1, 1, 1, 1]);
  });

  it.each([
    [3, { twoNode: true }, {}, /two_node needs exactly 2 nodes \(--nodes 2\), this lab would have 3/],
    [2, { twoNode: true }, { 2: 2 }, /two_node needs one vote per node/],
    [4, { autoTieBreakerNode: 'highest' as const }, {}, /auto_tie_breaker_node needs auto_tie_breaker as well/],
    [4, { autoTieBreaker: true, autoTieBreakerNode: [5] }, {}, /no node pve5 in a 4-node lab/],
    [4, { lastManStandingWindowMs: 5000 }, {}, /last_man_standing_window needs last_man_standing as well/],
    [4, { lastManStanding: true, lastManStandingWindowMs: 10 }, {}, /must be 1000\.\.3600000 ms, got 10/],
    [4, { lastManStanding: true }, { 3: 2 }, /last_man_standing needs one vote per node/],
    [3, {}, { 4: 2 }, /no node pve4 in a 3-node lab/],
    [3, {}, { 3: 0 }, /votes must be 1\.\.99/],
    [3, {}, { 3: 100 }, /votes must be 1\.\.99/],
  ])('%i nodes, %j, votes %j: refused', (nodes, options, votes, message) => {
    expect(() => validateQuorum(nodes, options, votes)).toThrow(message);
  });
});

describe('the quorum section and nodelist votes in corosync.conf', () => {
  const conf = (quorum: Parameters<typeof quorumConfLines>[0], votes?: number[]) =>
    renderCorosyncConf({
      clusterName: 'lab-cluster',
      nodes: votes?.length ?? 4,
      links: 1,
      tokenMs: 1000,
      keyfile: '/k',
      logfile: '/l',
      stateDir: '/s',
      address: (i, l) => `198.18.${l}.${10 + i}`,
      quorum,
      ...(votes ? { votes } : {}),
    });

  it('writes every given option in votequorum(5) names, nothing when none is given', () => {
    expect(conf({})).toContain('quorum {\n  provider: corosync_votequorum\n}\n');
    expect(conf({ lastManStanding: true, lastManStandingWindowMs: 5000, waitForAll: true })).toContain(
      'quorum {\n  provider: corosync_votequorum\n  wait_for_all: 1\n  last_man_standing: 1\n  last_man_standing_window: 5000\n}\n',
    );
    expect(conf({ autoTieBreaker: true, autoTieBreakerNode: [4, 1] })).toContain('  auto_tie_breaker: 1\n  auto_tie_breaker_node: 4 1\n}');
    expect(conf({ twoNode: true, waitForAll: false }, [1, 1])).toContain('  two_node: 1\n  wait_for_all: 0\n}');
  });

  it('writes quorum_votes per node', () => {
    const text = conf({}, [1, 1, 2]);
    expect(text.match(/quorum_votes: \d+/g)).toEqual(['quorum_votes: 1', 'quorum_votes: 1', 'quorum_votes: 2']);
    expect(text).toContain('    name: pve3\n    nodeid: 3\n    quorum_votes: 2\n');
  });

  it('describes the options for up and status', () => {
    expect(describeQuorum({}, [1, 1, 1])).toBe('votequorum defaults (expected votes 3)');
    expect(describeQuorum({ autoTieBreaker: true, autoTieBreakerNode: 'highest' }, [1, 1, 1, 1])).toBe('auto_tie_breaker, auto_tie_breaker_node=highest (expected votes 4)');
    expect(describeQuorum({ twoNode: true, waitForAll: false }, [1, 1])).toBe('two_node, wait_for_all=0 (expected votes 2)');
    expect(describeQuorum({}, [1, 1, 2])).toBe('votequorum defaults; votes pve1=1,pve2=1,pve3=2 (expected votes 4)');
  });
});
