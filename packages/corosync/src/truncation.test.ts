// A report cut short (output cap, a killed tool, a dropped SSH connection) is an error, never a state:
// every real -s / -siH / pvecm status fixture and -m stream, cut at every character, either fails to parse or
// gives exactly what the whole text gives (at a line boundary), or the same quorum state (inside a line).
import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames, stripHarnessPrefix } from './fixtures.test-helper';
import { toQuorumState } from './mappers';
import { parsePvecmStatus } from './pvecm-status';
import { splitMonitorStream, type MonitorBlock } from './quorumtool-monitor';
import { parseQuorumtoolStatus, type QuorumtoolStatus } from './quorumtool-status';
import type { ParseResult } from './result';

type Parse = (text: string) => ParseResult<QuorumtoolStatus>;

const PVECM_HEADER = 'Cluster information\n-------------------\nName:             lab-cluster\nConfig Version:   1\nTransport:        knet\nSecure auth:      on\n\n';

/** every full report a status parser reads: [label, text, parser] */
function reports(): [string, string, Parse][] {
  const out: [string, string, Parse][] = [];
  for (const name of fixtureNames(/^quorumtool-(s|siH)__/)) {
    out.push([name, fixture(name), parseQuorumtoolStatus]);
    out.push([`pvecm header + ${name}`, PVECM_HEADER + fixture(name), parsePvecmStatus]);
  }
  for (const name of fixtureNames(/^pvecm-status__/)) {
    out.push([name, fixture(name), parsePvecmStatus]);
    out.push([`${name} (as -s)`, fixture(name), parseQuorumtoolStatus]);
  }
  return out;
}

const memberIds = (s: QuorumtoolStatus): number[] => (s.membership?.rows ?? []).map((r) => r.nodeId);

/** What no input may ever give: a votequorum state that is quorate without members, or lost a member. */
function assertSafe(label: string, s: QuorumtoolStatus, full: QuorumtoolStatus): void {
  const state = toQuorumState(s);
  if (state === null) return;
  expect(state.quorate && state.members.length === 0, `${label}: quorate with no members`).toBe(false);
  const fullState = toQuorumState(full);
  expect(state, `${label}: a state the whole report does not give`).toEqual(fullState);
}

/** `cut` = the text up to some offset; `atBoundary` when it ends at a line end (or is empty). */
function checkCut(label: string, cut: string, parse: Parse, full: QuorumtoolStatus, messages: Set<string>): void {
  const r = parse(cut);
  const atBoundary = cut === '' || cut.endsWith('\n');
  if (!r.ok) {
    expect(r.error.message.length).toBeGreaterThan(0);
    messages.add(r.error.message.replace(/\d+/g, 'N'));
    return;
  }
  assertSafe(label, r.value, full);
  if (atBoundary) expect(r.value, `${label}: a line-boundary cut must give the full result or fail`).toEqual(full);
  else expect(memberIds(r.value), `${label}: member rows`).toEqual(memberIds(full));
}

describe('truncated status reports', () => {
  it('every real report, cut at every character: an error or the full result', () => {
    const all = reports();
    expect(all.length).toBeGreaterThanOrEqual(50);
    const messages = new Set<string>();
    let cuts = 0;
    let errors = 0;
    for (const [label, text, parse] of all) {
      const full = parse(text);
      if (!full.ok) throw new Error(`${label}: the whole report does not parse: ${full.error.message}`);
      for (let at = 0; at < text.length; at++) {
        const cut = text.slice(0, at);
        // the whole report minus trailing blanks/newlines is the whole report
        if (cut.trimEnd() === text.trimEnd()) continue;
        cuts++;
        const r = parse(cut);
        if (!r.ok) errors++;
        checkCut(`${label} [0, ${at})`, cut, parse, full.value, messages);
      }
    }
    // almost every cut is refused; the rest end inside the last row's name (same members, same state)
    expect(errors / cuts).toBeGreaterThan(0.9);
    // the refusals name what is missing or unreadable
    for (const m of messages) {
      expect(m).toMatch(/cut short|missing|no quorum, votequorum or membership section|is not a number|neither|unrecognised column header|second/);
    }
  });

  it('the -m streams, cut at every line end and inside every line: completed blocks are the full ones, the open one fails or matches', () => {
    for (const name of fixtureNames(/quorumtool-m\.txt$/)) {
      const text = stripHarnessPrefix(fixture(name));
      const full = splitMonitorStream(text);
      expect(full.length).toBeGreaterThan(1);
      const offsets = new Set<number>();
      let from = 0;
      for (const line of text.split('\n')) {
        offsets.add(from + Math.floor(line.length / 2));
        offsets.add(from + line.length);
        offsets.add(from + line.length + 1);
        from += line.length + 1;
      }
      for (const at of offsets) {
        const blocks: MonitorBlock[] = splitMonitorStream(text.slice(0, at));
        blocks.forEach((b, i) => {
          const whole = full[i];
          if (!whole || !whole.result.ok) throw new Error(`${name}: block ${i} of the whole stream`);
          if (i < blocks.length - 1) expect(b).toEqual(whole);
          else if (b.result.ok) {
            assertSafe(`${name} [0, ${at}) block ${i}`, b.result.value, whole.result.value);
            expect(memberIds(b.result.value)).toEqual(memberIds(whole.result.value));
          }
        });
      }
    }
  });
});

describe('what a cut report says', () => {
  const text = fixture('quorumtool-s__quorate-3of3__node1.txt');
  const upTo = (marker: string, keep = 0) => text.slice(0, text.indexOf(marker) + keep);

  it('cut before "Membership information": an error, not quorate with no members', () => {
    const r = parseQuorumtoolStatus(upTo('\nMembership information'));
    expect(r).toEqual({ ok: false, error: { line: 0, message: 'no "Membership information" section: the report is cut short' } });
  });

  it('cut inside the membership table: an error naming the missing rows', () => {
    expect(parseQuorumtoolStatus(upTo('         2          1 pve2'))).toMatchObject({
      ok: false,
      error: { line: 18, message: 'Membership information: 1 of 3 member rows ("Nodes: 3"): the table is cut short' },
    });
    expect(parseQuorumtoolStatus(upTo('    Nodeid'))).toMatchObject({ ok: false, error: { message: 'Membership information: missing the column header' } });
  });

  it('cut inside or right after "Votequorum information": an error naming the missing line or section', () => {
    expect(parseQuorumtoolStatus(upTo('Flags:'))).toMatchObject({ ok: false, error: { message: 'Votequorum information: missing "Flags:" line' } });
    expect(parseQuorumtoolStatus(upTo('\nVotequorum information'))).toMatchObject({
      ok: false,
      error: { message: 'no "Votequorum information" section after a votequorum "Quorum information": the report is cut short' },
    });
  });

  it('a QDevice report cut before the QDevice row: an error', () => {
    const q = fixture('quorumtool-s__qdevice__2nodes-plus-qnetd__node1.txt');
    expect(parseQuorumtoolStatus(q.slice(0, q.indexOf('         0          1            Qdevice')))).toMatchObject({
      ok: false,
      error: { message: 'Membership information: a QDevice is registered but its row is missing: the table is cut short' },
    });
  });

  it('a fragment without "Quorum information" (no row count): the votes must add up', () => {
    const fragment = text.slice(text.indexOf('Votequorum information'));
    expect(parsePvecmStatus(fragment)).toMatchObject({ ok: true, value: { quorum: null } });
    expect(parsePvecmStatus(fragment.slice(0, fragment.indexOf('         3')))).toMatchObject({
      ok: false,
      error: { message: 'Membership information: the rows hold 2 of 3 votes ("Total votes"): the table is cut short' },
    });
  });

  it('pvecm status cut anywhere after its header: an error', () => {
    const p = fixture('pvecm-status__quorate-4of4-hex-ip__admin-guide.txt');
    expect(parsePvecmStatus(p.slice(0, p.indexOf('Quorum information')))).toMatchObject({
      ok: false,
      error: { message: 'no quorum, votequorum or membership section found' },
    });
    expect(parsePvecmStatus(p.slice(0, p.indexOf('0x00000003')))).toMatchObject({
      ok: false,
      error: { message: 'Membership information: 2 of 4 member rows ("Nodes: 4"): the table is cut short' },
    });
  });

  it('without votequorum the report legitimately ends after "Quorate:" (no state: toQuorumState is null)', () => {
    const q = upTo('\nVotequorum information').replace('corosync_votequorum', 'Not configured');
    const r = parseQuorumtoolStatus(q);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.votequorum).toBeNull();
    expect(r.value.membership).toBeNull();
    expect(toQuorumState(r.value)).toBeNull();
  });

  it('toQuorumState: no membership table means no state, not "no members"', () => {
    const r = parseQuorumtoolStatus(text);
    if (!r.ok) throw new Error(r.error.message);
    expect(toQuorumState({ ...r.value, membership: null })).toBeNull();
  });
});
