import { describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from '../runners';
import { CLOCK_MAX_RTT_MS, corosyncAdvisorFacts, parseCorosyncVersion, parseEpochNs } from './advisor-facts';

const result = (stdout: string, code = 0): CommandResult => ({ code, signal: null, stdout, stderr: '', timedOut: false, truncated: false, durationMs: 1 });

/** a node whose `corosync -v` and `date` answer as given; the clock advances `rttMs` during each call */
function node(name: string, opts: { version?: string | Error; dateNs?: string; rttMs?: number; clock: { t: number } }): { name: string; runner: CommandRunner } {
  return {
    name,
    runner: {
      label: name,
      async run(cmd) {
        opts.clock.t += opts.rttMs ?? 10;
        if (cmd === 'corosync') {
          if (opts.version instanceof Error) throw opts.version;
          return result(opts.version ?? '', opts.version === undefined ? 127 : 0);
        }
        return result(opts.dateNs ?? '');
      },
    },
  };
}

describe('corosync advisor facts', () => {
  it('parses corosync -v and date +%s%N', () => {
    expect(parseCorosyncVersion("Corosync Cluster Engine, version '3.1.7'\nCopyright (c) 2006-2021 Red Hat, Inc.\n")).toBe('3.1.7');
    expect(parseCorosyncVersion('command not found')).toBeNull();
    expect(parseEpochNs('1764684000123456789\n')).toBe(1764684000123);
    expect(parseEpochNs('Tue Dec  2 14:00:00 UTC 2026')).toBeNull();
    expect(parseEpochNs('')).toBeNull();
  });

  // each case its own clock: the nodes are asked in parallel
  const ns = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;
  async function factsOf(make: (clock: { t: number }) => { name: string; runner: CommandRunner }) {
    const clock = { t: 1_764_684_000_000 };
    return corosyncAdvisorFacts([make(clock)], () => clock.t);
  }

  it('a node 250 ms ahead, its date read at the midpoint of a 10 ms call', async () => {
    const facts = await factsOf((clock) => ({
      name: 'pve1',
      runner: { label: 'pve1', run: async (cmd) => (cmd === 'corosync' ? result("Corosync Cluster Engine, version '3.1.7'") : ((clock.t += 10), result(ns(clock.t - 5 + 250)))) },
    }));
    expect(facts).toEqual({ corosyncVersions: { pve1: '3.1.7' }, clockOffsetsMs: { pve1: 250 } });
  });

  it('a node that cannot be reached, one without corosync, one whose read is too slow: left out, never a pass', async () => {
    expect(await factsOf((clock) => node('pve2', { version: new Error('ssh: connection refused'), clock }))).toEqual({ corosyncVersions: {}, clockOffsetsMs: {} });
    expect(await factsOf((clock) => node('pve2', { clock, dateNs: 'garbage' }))).toEqual({ corosyncVersions: {}, clockOffsetsMs: {} });
    const slow = await factsOf((clock) => node('pve3', { version: "Corosync Cluster Engine, version '3.1.8'", dateNs: ns(clock.t), rttMs: CLOCK_MAX_RTT_MS + 1, clock }));
    expect(slow).toEqual({ corosyncVersions: { pve3: '3.1.8' }, clockOffsetsMs: {} });
  });
});
