import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture, stripHarnessPrefix } from './fixtures.test-helper';
import { QuorumtoolMonitorParser, splitMonitorStream, type MonitorBlock } from './quorumtool-monitor';

const linkdown = stripHarnessPrefix(fixture('sample.default.linkdown.quorumtool-m.txt'));
const sigstop = stripHarnessPrefix(fixture('sample.default.sigstop.quorumtool-m.txt'));

const summary = (blocks: MonitorBlock[]) =>
  blocks.map((b) => {
    if (!b.result.ok) throw new Error(b.result.error.message);
    const s = b.result.value;
    return `${s.quorum?.ringId} n=${s.quorum?.nodes} total=${s.votequorum?.totalVotes} q=${s.quorum?.quorate ? 'Y' : 'N'} [${s.membership?.rows.map((r) => r.nodeId).join(',')}]`;
  });

const linkdownExpected = [
  '1.9 n=3 total=3 q=Y [1,2,3]',
  '1.d n=2 total=2 q=Y [1,2]',
  '1.11 n=3 total=3 q=Y [1,2,3]',
  '1.15 n=2 total=2 q=Y [1,2]',
  '1.19 n=3 total=3 q=Y [1,2,3]',
  '1.1d n=2 total=2 q=Y [1,2]',
  '1.21 n=3 total=3 q=Y [1,2,3]',
];
const sigstopExpected = [
  '1.21 n=3 total=3 q=Y [1,2,3]',
  '1.25 n=2 total=2 q=Y [1,2]',
  '1.29 n=3 total=3 q=Y [1,2,3]',
  '1.2d n=2 total=2 q=Y [1,2]',
  '1.31 n=3 total=3 q=Y [1,2,3]',
  '1.35 n=2 total=2 q=Y [1,2]',
  '1.39 n=3 total=3 q=Y [1,2,3]',
];

describe('corosync-quorumtool -m', () => {
  it('splits the linkdown capture into its 7 reports', () => {
    const blocks = splitMonitorStream(linkdown);
    expect(summary(blocks)).toEqual(linkdownExpected);
    expect(blocks.every((b) => b.result.ok && b.result.warnings === undefined)).toBe(true);
    expect(blocks[1]?.result.ok && blocks[1].result.value.quorum?.date).toBe('Wed Nov 25 22:57:29 2026');
  });

  it('splits the sigstop capture into its 7 reports', () => {
    expect(summary(splitMonitorStream(sigstop))).toEqual(sigstopExpected);
  });

  it('emits a block as soon as its closing empty line arrives, not before', () => {
    const p = new QuorumtoolMonitorParser();
    const firstBlockEnd = linkdown.indexOf('\n\nQuorum information') + 1; // through "pve3\n"
    expect(p.push(linkdown.slice(0, firstBlockEnd))).toEqual([]);
    const got = p.push('\n');
    expect(summary(got)).toEqual([linkdownExpected[0]]);
    expect(got[0]?.text.split('\n')[0]).toBe('Quorum information');
    expect(p.end()).toEqual([]);
  });

  it('gives the same blocks whatever the chunking (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: linkdown.length }), { maxLength: 40 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const p = new QuorumtoolMonitorParser();
        const out: MonitorBlock[] = [];
        let at = 0;
        for (const c of [...points, linkdown.length]) {
          out.push(...p.push(linkdown.slice(at, c)));
          at = c;
        }
        out.push(...p.end());
        expect(summary(out)).toEqual(linkdownExpected);
      }),
      { numRuns: 200 },
    );
  });

  it('flushes an unterminated block at end() and when the next report starts', () => {
    const one = fixture('quorumtool-s__quorate-3of3__node1.txt');
    const p = new QuorumtoolMonitorParser();
    expect(summary(p.push(one))).toEqual([]);
    expect(summary(p.push(one))).toEqual(['1.9 n=3 total=3 q=Y [1,2,3]']);
    expect(summary(p.end())).toEqual(['1.9 n=3 total=3 q=Y [1,2,3]']);
  });

  it('keeps text outside reports as noise and reports a truncated block as a failure', () => {
    const p = new QuorumtoolMonitorParser();
    const blocks = [...p.push('Quorum is not configured - cannot monitor\nQuorum information\n------------------\nDate:  x\n'), ...p.end()];
    expect(p.noise).toEqual(['Quorum is not configured - cannot monitor']);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.result.ok).toBe(false);
  });

  it('handles CRLF line ends', () => {
    expect(summary(splitMonitorStream(linkdown.replaceAll('\n', '\r\n')))).toEqual(linkdownExpected);
  });
});

describe('QuorumtoolMonitorParser: long-running', () => {
  it('keeps only the latest 100 stray lines, however long the watcher runs', () => {
    const p = new QuorumtoolMonitorParser();
    for (let i = 0; i < 1000; i++) p.push(`stray line ${i}\n`);
    expect(p.noise).toHaveLength(100);
    expect(p.noise.at(-1)).toBe('stray line 999');
  });
});
