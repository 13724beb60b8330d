// Robustness: every parser returns a well-formed ParseResult for any input and never throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCfgtoolNodes, parseCfgtoolStatus } from './cfgtool';
import { parseCmap, parseCmapTrackLine } from './cmap';
import { parseCorosyncConf, serializeCorosyncConf } from './corosync-conf';
import { parseCorosyncLogLine } from './corosync-log';
import { corosyncConfView, quorumOptionsFromConf } from './corosync-conf-view';
import { fixture, fixtures, stripHarnessPrefix } from './fixtures.test-helper';
import { knetLinkStats } from './knet-stats';
import { knetToLinkObservations, toQuorumState } from './mappers';
import { parsePvecmStatus } from './pvecm-status';
import { QuorumtoolMonitorParser, splitMonitorStream } from './quorumtool-monitor';
import { parseQuorumtoolList } from './quorumtool-list';
import { parseQuorumtoolStatus } from './quorumtool-status';
import { guard, type ParseResult } from './result';
import { splitLines } from './text';

type Parser = (text: string) => ParseResult<unknown>;

const parsers: Record<string, Parser> = {
  parseQuorumtoolStatus,
  parsePvecmStatus,
  parseQuorumtoolList,
  parseCmap,
  parseCmapTrackLine,
  parseCfgtoolStatus,
  parseCfgtoolNodes,
  parseCorosyncConf,
  parseCorosyncLogLine,
  splitMonitorStream: (text) => ({ ok: true, value: splitMonitorStream(text) }),
};

/** Asserts the result shape; also runs the downstream helpers on whatever parsed. */
function checkResult(name: string, input: string, r: ParseResult<unknown>): void {
  expect(typeof r.ok).toBe('boolean');
  if (r.ok) {
    expect('value' in r).toBe(true);
    if (r.warnings !== undefined) expect(r.warnings.every((w) => typeof w === 'string')).toBe(true);
    if (name === 'parseQuorumtoolStatus' || name === 'parsePvecmStatus') toQuorumState(r.value as never);
    if (name === 'parseCmap') knetToLinkObservations(knetLinkStats(r.value as never), 1);
    if (name === 'parseCorosyncConf') {
      corosyncConfView(r.value as never);
      quorumOptionsFromConf(r.value as never);
      const again = parseCorosyncConf(serializeCorosyncConf(r.value as never));
      expect(again.ok).toBe(true);
      if (again.ok) expect(again.value).toEqual(r.value);
    }
  } else {
    expect(Number.isInteger(r.error.line)).toBe(true);
    expect(r.error.line).toBeGreaterThanOrEqual(0);
    expect(r.error.line).toBeLessThanOrEqual(Math.max(1, splitLines(input).length));
    expect(r.error.message.length).toBeGreaterThan(0);
  }
}

function run(name: string, input: string): void {
  const parse = parsers[name];
  if (!parse) throw new Error(name);
  let result: ParseResult<unknown> | undefined;
  expect(() => {
    result = parse(input);
  }).not.toThrow();
  if (result) checkResult(name, input, result);
}

const corpus = [...fixtures.entries()].map(([n, t]) => (n.startsWith('sample.') ? stripHarnessPrefix(t) : t));
const names = Object.keys(parsers);

describe('parsers never throw', () => {
  it('on every fixture, whole, in every parser', () => {
    for (const text of corpus) for (const name of names) run(name, text);
  });

  it('on truncated fixtures (sampled prefix lengths)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...corpus), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...names), (text, frac, name) => {
        run(name, text.slice(0, Math.floor(text.length * frac)));
      }),
      { numRuns: 1500 },
    );
  }, 60_000);

  it('every prefix of the small fixtures, line by line', () => {
    for (const [n, text] of fixtures) {
      if (text.length > 2000) continue;
      const lines = text.split('\n');
      for (let i = 0; i <= lines.length; i++) for (const name of names) run(name, lines.slice(0, i).join('\n'));
      void n;
    }
  }, 60_000);

  it('on shuffled and garbled lines', () => {
    const garble = fc.oneof(
      fc.constant((l: string) => l.toUpperCase()),
      fc.constant((l: string) => l.replace(/\d/g, '9'.repeat(30))),
      fc.constant((l: string) => l.replace(/:/g, '')),
      fc.constant((l: string) => l.replace(/[{}]/g, '')),
      fc.constant((l: string) => `${l}\u0000\u202e`),
      fc.constant((l: string) => l.replace(/\s+/g, '\t')),
      fc.constant((l: string) => l.slice(0, Math.floor(l.length / 2))),
      fc.constant((l: string) => `0x${l}`),
      fc.constant((l: string) => l.replace(/\d+/g, '-1')),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...corpus),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.array(fc.tuple(fc.nat(), garble), { maxLength: 8 }),
        fc.constantFrom(...names),
        (text, swaps, garbles, name) => {
          const lines = text.split('\n');
          for (let i = 0; i + 1 < swaps.length; i += 2) {
            const a = (swaps[i] ?? 0) % lines.length;
            const b = (swaps[i + 1] ?? 0) % lines.length;
            [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
          }
          for (const [at, fn] of garbles) lines[at % lines.length] = fn(lines[at % lines.length] ?? '');
          run(name, lines.join('\n'));
        },
      ),
      { numRuns: 1500 },
    );
  }, 60_000);

  it('on random strings, including tool-like vocabulary', () => {
    const vocab = fc.constantFrom(
      'Quorum information', 'Votequorum information', 'Membership information', 'Cluster information', '------------------',
      'Quorum:           2  ', 'Flags:            Quorate ', '    Nodeid      Votes    Qdevice Name', '    Nodeid Name',
      '         0          1            Qdevice (votes 1)', '0x00000001          1    A,V,NMW x (local)', 'Local node ID 1, transport knet',
      'LINK ID 0 udp', '\t\tnodeid:          2:\tconnected', 'nodeid: 2 reachable', '   LINK: 0 udp (a->b) enabled mtu: x',
      'a.b (u64) = 99999999999999999999', 'modify> a (str) = b', 'totem {', '}', 'key: value', '{', '#', '', '\r',
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.array(vocab, { maxLength: 40 }).map((a) => a.join('\n'))),
        fc.constantFrom(...names),
        (text, name) => run(name, text),
      ),
      { numRuns: 1500 },
    );
  }, 60_000);

  it('on non-string input', () => {
    for (const bad of [null, undefined, 42, {}, [], Symbol('x'), { toString: () => { throw new Error('boom'); } }]) {
      for (const name of names) {
        const parse = parsers[name];
        if (!parse) continue;
        expect(() => parse(bad as unknown as string)).not.toThrow();
      }
    }
  });

  it('the monitor parser survives arbitrary chunks', () => {
    const stream = stripHarnessPrefix(fixture('sample.default.sigstop.quorumtool-m.txt'));
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 50 }), fc.constant(stream.slice(0, 200))), { maxLength: 30 }), (chunks) => {
        const p = new QuorumtoolMonitorParser();
        for (const c of chunks) for (const b of p.push(c)) checkResult('parseQuorumtoolStatus', b.text, b.result);
        for (const b of p.end()) checkResult('parseQuorumtoolStatus', b.text, b.result);
        expect(() => p.push(undefined as unknown as string)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

describe('guard', () => {
  it('turns a throwing parser body into a whole-input error', () => {
    expect(
      guard('x', () => {
        throw new Error('kaboom');
      }),
    ).toEqual({ ok: false, error: { line: 0, message: 'x: internal parser error: kaboom' } });
    expect(
      guard('x', () => {
        throw 'str';
      }),
    ).toEqual({ ok: false, error: { line: 0, message: 'x: internal parser error: str' } });
  });
});
