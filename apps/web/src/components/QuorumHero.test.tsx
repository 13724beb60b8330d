// @vitest-environment happy-dom
// The hero in every state: healthy and degraded (each reason in words with its fix; a split, the modes
// that make a side quorate, expected votes lowered, no node to spare), not quorate (what is missing since
// when, what is blocked, what restores it), waiting for all, unknown (never known, or no longer), and not
// live. The e2e specs reach only what the simulator does on a 3-node cluster (healthy, a node or two
// stopped, expected lowered by hand); the rest is here.
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ClusterEvent, ClusterSnapshot } from '@quorate/model';
import { entryOf, frozenClock, healthy, pageSample, without, words } from '../test/component';
import type { Freshness } from './ConnectionIndicator';
import { QuorumHero } from './QuorumHero';

frozenClock();

interface HeroOptions {
  events?: ClusterEvent[];
  freshness?: Freshness;
  age?: number | null;
  onSetExpectedVotes?: () => void;
  /** an earlier snapshot on the page had a quorum */
  hadQuorum?: boolean;
}

function hero(s: ClusterSnapshot, { events = [], freshness = 'live', age = 400, onSetExpectedVotes, hadQuorum }: HeroOptions = {}) {
  const entry = { ...entryOf(s), hadQuorum: hadQuorum ?? s.quorum !== null };
  render(<QuorumHero entry={entry} events={events} freshness={freshness} age={age} onSetExpectedVotes={onSetExpectedVotes} />);
  return screen.getByRole('region', { name: /quorum|quorate/i });
}

/** the degraded reasons as shown: [code, text, fix] */
function reasons(): [string | null, string, string][] {
  const list = screen.queryByTestId('health-reasons');
  if (!list) return [];
  return within(list)
    .getAllByRole('listitem')
    .map((li) => [li.getAttribute('data-reason'), words(within(li).getByTestId('reason-text')), words(within(li).getByTestId('reason-fix'))]);
}

const summary = () => screen.getByTestId('votes-summary');
/** a local date and time with its zone (lib/format.ts formatDateTime): "2025-11-25 21:39:02 CET" */
const DATE_TIME = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (?:[A-Z]{2,5}|UTC[+-]\d\d:\d\d)/;

describe('QuorumHero: quorate', () => {
  it('says QUORATE with the arithmetic, the flags and where the figures come from', () => {
    const region = hero(healthy());
    expect(region).toHaveAttribute('data-quorate', 'true');
    expect(screen.getByTestId('quorum-state')).toHaveTextContent('QUORATE');
    expect(summary()).toHaveTextContent('3 of 3 votes present · 2 needed · can lose 1 more node');
    expect(region).toHaveTextContent('flags: Quorate');
    expect(region).toHaveTextContent('config v3 · knet · 2 links · seen from pve1');
    for (const id of ['split-note', 'quorate-reason', 'expected-override', 'expected-lms', 'lms-one-by-one'])
      expect(screen.queryByTestId(id)).not.toBeInTheDocument();
    expect(region).not.toHaveTextContent('would lose quorum');
    expect(region).not.toHaveTextContent('Last known state');
  });

  it('on the quorate side of a split: who holds quorum and who is cut off and blocked', () => {
    const { entry } = pageSample('partition');
    hero(entry.snapshot);
    expect(screen.getByTestId('split-note')).toHaveTextContent(
      'Quorate side: pve1 and pve2 with the QDevice hold 3 of 4 votes; pve3 is cut off and blocked (no quorum on their side: /etc/pve is read-only there)',
    );
  });

  it('a 3|2 split seen from the majority names every node on each side', () => {
    const s = without(healthy({ nodes: 5 }), [1, 2], {});
    s.partitioned = true;
    s.observer = { nodeId: 3, name: 'pve3' };
    hero(s);
    expect(screen.getByTestId('quorum-state')).toHaveTextContent('QUORATE');
    expect(screen.getByTestId('split-note')).toHaveTextContent('Quorate side: pve3, pve4 and pve5 hold 3 of 5 votes; pve1 and pve2 are cut off and blocked');
    expect(summary()).toHaveTextContent('3 of 5 votes present · 3 needed · cannot lose another node');
  });

  it('auto_tie_breaker: an even split is quorate on the tie-breaker’s side, and says why', () => {
    const base = healthy({ nodes: 4 });
    base.cluster.quorumOptions.autoTieBreaker = true;
    const s = without(base, [3, 4], { flags: ['Quorate', 'AutoTieBreaker'] });
    s.partitioned = true;
    hero(s);
    expect(summary()).toHaveTextContent('2 of 4 votes present · 3 needed');
    expect(screen.getByTestId('quorate-reason')).toHaveTextContent('quorate by auto_tie_breaker: an even split, and this side holds the tie-breaker pve1');
    expect(screen.getByTestId('split-note')).toHaveTextContent('pve3 and pve4 are cut off and blocked');
  });

  it('last_man_standing: quorate below the configured majority because expected votes were recalculated', () => {
    const base = healthy({ nodes: 5 });
    base.cluster.quorumOptions.lastManStanding = true;
    const s = without(base, [3, 4, 5], { expectedVotes: 2, highestExpected: 2, quorum: 2, flags: ['Quorate', 'LastManStanding'] });
    hero(s);
    expect(summary()).toHaveTextContent('2 of 2 votes present · 2 needed');
    expect(screen.getByTestId('quorate-reason')).toHaveTextContent(
      'quorate by last_man_standing: expected votes recalculated to 2 (configured 5) as nodes left one at a time',
    );
    // the reason says it all: no second line about the recalculation, and never "by hand"
    expect(screen.queryByTestId('expected-lms')).not.toBeInTheDocument();
    expect(screen.queryByTestId('expected-override')).not.toBeInTheDocument();
  });

  it('last_man_standing recalculated but still a configured majority: a note, not a reason', () => {
    const { entry } = pageSample('lms');
    hero(entry.snapshot);
    expect(screen.getByTestId('expected-lms')).toHaveTextContent('Expected votes recalculated to 2 by last_man_standing (configured: 3)');
    expect(screen.queryByTestId('quorate-reason')).not.toBeInTheDocument();
    expect(screen.queryByTestId('expected-override')).not.toBeInTheDocument();
  });

  it('last_man_standing: how many nodes can go one at a time beside those at once', () => {
    const base = healthy({ nodes: 5 });
    base.cluster.quorumOptions.lastManStanding = true;
    base.quorum!.flags = ['Quorate', 'LastManStanding'];
    hero(base);
    expect(summary()).toHaveTextContent('5 of 5 votes present · 3 needed · can lose 2 more nodes at once');
    expect(screen.getByTestId('lms-one-by-one')).toHaveTextContent('· 3 nodes one at a time (last_man_standing recalculates after each)');
  });

  it('two_node: one node alone keeps quorum, and the hero says it cannot lose that one', () => {
    const base = healthy({ nodes: 2 });
    base.cluster.quorumOptions.twoNode = true;
    base.quorum!.quorum = 1;
    base.quorum!.flags = ['2Node', 'Quorate', 'WaitForAll'];
    hero(without(base, [2], {}));
    expect(summary()).toHaveTextContent('1 of 2 votes present · 1 needed · cannot lose another node');
    expect(screen.getByTestId('quorate-reason')).toHaveTextContent(
      'two_node: either node alone keeps quorum (wait_for_all held the start until both had been seen)',
    );
    expect(screen.getByText('Losing pve1 would lose quorum.')).toBeInTheDocument();
  });

  it('expected votes lowered by hand: a degraded reason, beside who is missing', () => {
    const s = without(healthy(), [3], { expectedVotes: 2, highestExpected: 2, quorum: 2 });
    hero(s);
    expect(reasons().map(([code]) => code)).toEqual(['nodes-offline', 'expected-override', 'no-margin']);
    expect(reasons()[1]).toEqual([
      'expected-override',
      'quorate only by a manual override: expected votes 2 (configured 3, set with pvecm expected)',
      'Fix: bring the missing nodes back: Corosync returns to the configured expected votes when they rejoin',
    ]);
    expect(screen.queryByTestId('expected-lms')).not.toBeInTheDocument();
  });

  it('no node to spare: "cannot lose another node" and which nodes are critical', () => {
    hero(without(healthy(), [3], {}));
    expect(summary()).toHaveTextContent('2 of 3 votes present · 2 needed · cannot lose another node');
    expect(screen.getByText('Losing pve1 or pve2 would lose quorum.')).toBeInTheDocument();
  });

  it('weighted votes: all nodes up, yet the 2-vote node cannot be lost', () => {
    const s = healthy();
    s.nodes[2]!.votes = 2;
    Object.assign(s.quorum!, { expectedVotes: 4, highestExpected: 4, totalVotes: 4, quorum: 3 });
    for (const v of s.views) v.quorum = s.quorum;
    hero(s);
    expect(summary()).toHaveTextContent('4 of 4 votes present · 3 needed · cannot lose another node');
    expect(screen.getByText('Losing pve3 would lose quorum.')).toBeInTheDocument();
  });
});

describe('QuorumHero: not quorate', () => {
  it('says what is missing since when, what is blocked and what restores it', () => {
    const { entry, events } = pageSample('lost');
    const region = hero(entry.snapshot, { events });
    expect(region).toHaveAttribute('data-quorate', 'false');
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('NOT QUORATE');
    expect(summary()).toHaveTextContent('1 of 3 votes, 2 needed');
    // since when: the quorum-lost event, 125 s ago
    expect(region).toHaveTextContent('Quorum lost 2 min ago');
    expect(region.querySelector('time')).toHaveAttribute('dateTime', new Date(events.find((e) => e.body.type === 'quorum-lost')!.at).toISOString());
    expect(region).toHaveTextContent('1 more vote needed · seen from pve1');

    expect(screen.getByRole('heading', { name: 'Missing: 2 nodes, 2 votes' })).toBeInTheDocument();
    for (const name of ['pve2', 'pve3']) {
      expect(words(screen.getByTestId(`missing-${name}`))).toMatch(new RegExp(`^${name} 1 vote · offline for 2 min \\(since ${DATE_TIME.source}\\)$`));
    }

    const blocked = screen.getByRole('heading', { name: 'What this means' }).parentElement!;
    expect(blocked).toHaveTextContent('/etc/pve is read-only on pve1: no configuration changes.');
    expect(blocked).toHaveTextContent('No guest starts, no migrations');

    expect(screen.getByTestId('recovery-options')).toHaveTextContent('Bring back pve2 or pve3');
    expect(region).toHaveTextContent('1 vote short');
    expect(region).toHaveTextContent('Last resort, on pve1: pvecm expected 1.');
    expect(region).toHaveTextContent('Split-brain risk');
  });

  it('operators get the pvecm expected button; viewers do not', async () => {
    const { entry, events } = pageSample('lost');
    const open = vi.fn();
    hero(entry.snapshot, { events, onSetExpectedVotes: open });
    await userEvent.click(screen.getByRole('button', { name: 'Set expected votes… (last resort)' }));
    expect(open).toHaveBeenCalledTimes(1);

    cleanup();
    hero(entry.snapshot, { events });
    expect(screen.getByTestId('recovery-options')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('without a quorum-lost event the newest departure dates the loss', () => {
    const since = Date.now() - 3 * 3_600_000 - 5 * 60_000;
    hero(without(healthy(), [2, 3], { quorate: false, flags: [] }, since));
    expect(screen.getByRole('region', { name: /not quorate/i })).toHaveTextContent('Quorum lost 3 h 5 min ago');
    expect(screen.getByTestId('missing-pve3')).toHaveTextContent('offline for 3 h 5 min');
  });

  it('no date at all when nothing says since when', () => {
    const s = without(healthy(), [2, 3], { quorate: false, flags: [] });
    for (const n of s.nodes) n.since = null;
    hero(s);
    const region = screen.getByRole('region', { name: /not quorate/i });
    expect(region).not.toHaveTextContent('Quorum lost');
    expect(words(screen.getByTestId('missing-pve2'))).toBe('pve2 1 vote · offline');
  });

  it('a node online outside this membership, and a QDevice that casts no vote, count as missing', () => {
    const s = without(healthy({ nodes: 2 }), [2], { quorate: false, flags: [], expectedVotes: 3, highestExpected: 3, quorum: 2 });
    s.nodes[1]!.state = 'online';
    s.qdevice = { votes: 1, state: 'disconnected', algorithm: 'ffsplit', host: 'qnetd.example', castsVote: false };
    hero(s);
    expect(screen.getByRole('heading', { name: 'Missing: 2 nodes, 2 votes' })).toBeInTheDocument();
    expect(words(screen.getByTestId('missing-pve2'))).toMatch(/^pve2 1 vote · online but not in this membership for 1 min \(since /);
    expect(words(screen.getByTestId('missing-QDevice (qnetd.example)'))).toBe('QDevice (qnetd.example) 1 vote · disconnected');
  });

  it('many ways back: four shown, "or another combination"', () => {
    const s = without(healthy({ nodes: 7 }), [2, 3, 4, 5, 6, 7], { quorate: false, flags: [] });
    hero(s);
    expect(summary()).toHaveTextContent('1 of 7 votes, 4 needed');
    const options = screen.getByTestId('recovery-options');
    expect(options.textContent!.split(' or ')).toHaveLength(4);
    expect(options.parentElement).toHaveTextContent('(or another combination) — 3 votes short');
    expect(screen.getByRole('region', { name: /not quorate/i })).toHaveTextContent('pvecm expected 1');
  });

  it('nothing missing: says the expected votes may be too high', () => {
    const s = healthy();
    Object.assign(s.quorum!, { expectedVotes: 7, highestExpected: 7, quorum: 4, quorate: false, flags: [] });
    hero(s);
    expect(screen.getByRole('heading', { name: 'Missing: 0 nodes, 0 votes' })).toBeInTheDocument();
    expect(screen.getByText('No node is missing from the membership; the expected votes may be too high.')).toBeInTheDocument();
  });

  it('wait_for_all: enough votes, yet not quorate until every node has been seen together', () => {
    const base = healthy();
    base.cluster.quorumOptions.waitForAll = true;
    hero(without(base, [3], { quorate: false, flags: ['WaitForAll'] }));
    expect(screen.getByTestId('quorum-state')).toHaveTextContent('NOT QUORATE');
    expect(summary()).toHaveTextContent('2 of 3 votes, 2 needed');
    expect(screen.getByTestId('recovery-options')).toHaveTextContent('Bring back pve3');
    expect(screen.getByRole('region', { name: /not quorate/i })).toHaveTextContent(
      'wait_for_all is set: every node must be seen together once before this side becomes quorate.',
    );
  });

  it('no wait_for_all note when it is not what holds quorum back', () => {
    const { entry, events } = pageSample('lost');
    hero(entry.snapshot, { events });
    expect(screen.getByRole('region', { name: /not quorate/i })).not.toHaveTextContent('wait_for_all');
  });
});

describe('QuorumHero: unknown and not live', () => {
  it('unknown before anything was known: each configured node with why it could not be asked, no figures', () => {
    const { entry } = pageSample('unknown');
    const region = hero(entry.snapshot);
    expect(region).toHaveAttribute('data-quorate', 'unknown');
    expect(region).toHaveAttribute('data-hero-state', 'unknown');
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('QUORUM UNKNOWN');
    expect(summary()).toHaveTextContent('No node of 3 could be asked yet, so nothing is known about quorum. Retrying.');
    expect(within(screen.getByTestId('unknown-reasons')).getAllByRole('listitem').map((li) => words(li))).toEqual([
      'pve1: ssh: connection refused',
      'pve2: ssh: timed out after 10 s',
      'pve3: ssh: host key mismatch: expected SHA256:q3xT…, got SHA256:Zk9v…',
    ]);
    expect(region).toHaveTextContent('Operations stay off until quorum is known.');
    // nothing was read: no "config version unknown · transport unknown · 0 links"
    expect(region).not.toHaveTextContent('config');
    expect(region).not.toHaveTextContent('seen from');
  });

  it('unknown after a known state: "nothing here is live", and the figures of the config', () => {
    const s = healthy();
    s.quorum = null;
    s.observer = null;
    for (const n of s.nodes) Object.assign(n, { state: 'unknown' });
    s.views = s.views.map((v) => ({ ...v, reachable: false, reason: 'ssh: connection refused', quorum: null }));
    const region = hero(s, { hadQuorum: true });
    expect(summary()).toHaveTextContent('No node could be asked, so nothing here is live.');
    expect(screen.getByTestId('unreachable-pve2')).toHaveTextContent('pve2: ssh: connection refused');
    expect(region).toHaveTextContent('config v3 · knet · 2 links');
  });

  it('stale data: quorate shown as the last known state, with its age and the cause', () => {
    hero(healthy(), { freshness: 'stale', age: 42_000 });
    expect(screen.getByTestId('quorum-state')).toHaveTextContent('QUORATE');
    expect(screen.getByText(/Last known state, as of/)).toHaveTextContent('Last known state, as of 42 s ago — no fresh data from the source');
  });

  it('reconnecting: the alarm stays, marked as the last known state', () => {
    const { entry, events } = pageSample('stale');
    hero(entry.snapshot, { events, freshness: 'reconnecting', age: 42_000 });
    expect(screen.getByTestId('quorum-state')).toHaveTextContent('NOT QUORATE');
    expect(screen.getByText(/Last known state, as of/)).toHaveTextContent('Last known state, as of 42 s ago — the connection to the server is down');
  });

  it('unknown and not live after a known state: the note is there too', () => {
    const { entry } = pageSample('unknown');
    hero(entry.snapshot, { freshness: 'connecting', age: 5_000, hadQuorum: true });
    expect(screen.getByText(/Last known state, as of/)).toHaveTextContent('Last known state, as of 5.0 s ago — no fresh data from the source');
  });

  it('never known: no "last known state" however old the snapshot, for there was none', () => {
    const { entry } = pageSample('unknown');
    for (const freshness of ['stale', 'connecting', 'reconnecting'] as const) {
      hero(entry.snapshot, { freshness, age: 13_000, hadQuorum: false });
      expect(screen.getByTestId('quorum-hero')).toHaveAttribute('data-hero-state', 'unknown');
      expect(screen.queryByText(/Last known state/)).not.toBeInTheDocument();
      cleanup();
    }
  });

  it('live data, or no age yet: no note', () => {
    hero(healthy(), { freshness: 'live', age: 42_000 });
    expect(screen.getByTestId('votes-summary')).toBeInTheDocument();
    expect(screen.queryByText(/Last known state/)).not.toBeInTheDocument();
    cleanup();
    hero(healthy(), { freshness: 'stale', age: null });
    expect(screen.getByTestId('votes-summary')).toBeInTheDocument();
    expect(screen.queryByText(/Last known state/)).not.toBeInTheDocument();
  });
});

describe('QuorumHero: four states, green only for healthy', () => {
  const state = () => screen.getByTestId('quorum-hero').getAttribute('data-hero-state');
  const tone = () => screen.getByTestId('quorum-hero').className;

  it('healthy: green, QUORATE, no reasons', () => {
    hero(healthy());
    expect(state()).toBe('healthy');
    expect(tone()).toContain('emerald');
    expect(screen.getByTestId('quorum-state')).toHaveTextContent('QUORATE');
    expect(screen.queryByTestId('hero-state-word')).not.toBeInTheDocument();
    expect(reasons()).toEqual([]);
  });

  it('degraded: amber, the word DEGRADED, still quorate, each reason with its fix', () => {
    const region = hero(pageSample('degraded').entry.snapshot);
    expect(state()).toBe('degraded');
    expect(region).toHaveAccessibleName('Quorum: degraded');
    expect(tone()).toContain('amber');
    expect(tone()).not.toContain('emerald');
    expect(screen.getByTestId('hero-state-word')).toHaveTextContent('DEGRADED');
    expect(screen.getByTestId('quorum-state')).toHaveTextContent(/^QUORATE$/);
    expect(summary()).toHaveTextContent('2 of 3 votes present · 2 needed · cannot lose another node');
    expect(reasons()).toEqual([
      ['nodes-offline', 'pve3 is offline (2 of 3 nodes online)', 'Fix: start it again, or remove a node for good with pvecm delnode'],
      ['no-margin', 'can lose 0 more: one more node failure loses quorum', 'Fix: bring the offline nodes back to regain margin'],
    ]);
  });

  it('lost: red, NOT QUORATE', () => {
    const { entry, events } = pageSample('lost');
    hero(entry.snapshot, { events });
    expect(state()).toBe('lost');
    expect(tone()).toContain('red');
    expect(reasons()).toEqual([]);
  });

  it('unknown: grey', () => {
    hero(pageSample('unknown').entry.snapshot);
    expect(state()).toBe('unknown');
    expect(tone()).toContain('slate');
    expect(tone()).not.toMatch(/emerald|amber/);
  });

  it('not live: the state stays, the colour goes grey (no green for old data)', () => {
    hero(pageSample('degraded').entry.snapshot, { freshness: 'stale', age: 42_000 });
    expect(state()).toBe('degraded');
    expect(tone()).not.toMatch(/emerald|amber/);
    expect(screen.getByText(/Last known state/)).toBeInTheDocument();
    cleanup();
    hero(healthy(), { freshness: 'reconnecting', age: 42_000 });
    expect(state()).toBe('healthy');
    expect(tone()).not.toContain('emerald');
  });
});

describe('QuorumHero: each degraded reason, in words with what fixes it', () => {
  const codes = () => reasons().map(([code]) => code);

  it('a 2-node cluster without QDevice: amber by design, "can lose 0 more", and what fixes it', () => {
    hero(pageSample('two-node').entry.snapshot);
    expect(screen.getByTestId('quorum-hero')).toHaveAttribute('data-hero-state', 'degraded');
    expect(reasons()).toEqual([
      [
        'two-node',
        'can lose 0 more: a 2-node cluster without a QDevice loses quorum when either node fails',
        'Fix: add a QDevice on a third machine (pvecm qdevice setup <address>) or a third node',
      ],
    ]);
  });

  it('two_node set: says that one node keeps quorum but a cut races to fence', () => {
    const s = healthy({ nodes: 2 });
    s.cluster.quorumOptions.twoNode = true;
    Object.assign(s.quorum!, { quorum: 1, flags: ['2Node', 'Quorate', 'WaitForAll'] });
    hero(s);
    expect(codes()).toEqual(['two-node']);
    expect(reasons()[0]![1]).toBe(
      'a 2-node cluster without a QDevice: two_node keeps quorum on one node, but a cut between them leaves both sides racing to fence',
    );
  });

  it('no margin: a node offline and the next failure loses quorum', () => {
    hero(pageSample('degraded').entry.snapshot);
    expect(codes()).toEqual(['nodes-offline', 'no-margin']);
  });

  it('quorate only by a manual expected-votes override', () => {
    hero(pageSample('override').entry.snapshot);
    expect(codes()).toEqual(['nodes-offline', 'expected-override', 'no-margin']);
    expect(reasons()[0]![1]).toBe('pve2, pve3 are offline (1 of 3 nodes online)');
    expect(reasons()[1]![1]).toBe('quorate only by a manual override: expected votes 1 (configured 3, set with pvecm expected)');
    expect(summary()).toHaveTextContent('1 of 1 votes present · 1 needed');
  });

  it('partitioned: the groups disagree; the split note says who is where', () => {
    hero(pageSample('partition').entry.snapshot);
    expect(codes()).toEqual(['partitioned', 'nodes-offline', 'no-margin']);
    expect(reasons()[0]).toEqual([
      'partitioned',
      'partitioned: reachable nodes disagree on membership',
      'Fix: find the cut between the groups (switch, cable, firewall on the Corosync networks); they merge by themselves once they reach each other',
    ]);
    expect(summary()).toHaveTextContent('3 of 4 votes present · 3 needed');
    expect(screen.getByTestId('quorum-hero')).toHaveTextContent('flags: Quorate · Qdevice');
  });

  it('QDevice lost: its vote is missing, though the nodes keep a margin', () => {
    hero(pageSample('qdevice-lost').entry.snapshot);
    expect(reasons()).toEqual([
      [
        'qdevice-lost',
        'the QDevice (198.18.0.9) is disconnected: its 1 vote is missing',
        'Fix: check corosync-qnetd on the QDevice host and the network to it (corosync-qdevice-tool -s on a node)',
      ],
    ]);
    expect(summary()).toHaveTextContent('4 of 5 votes present · 3 needed · can lose 1 more node');
  });

  it('fewer working links than configured between members', () => {
    hero(pageSample('links-down').entry.snapshot);
    expect(reasons()).toEqual([
      [
        'links-down',
        'fewer working links than configured: link1 pve1–pve2 (link1)',
        'Fix: check the NICs and switch ports of that Corosync network; with every link of a pair down the pair loses contact',
      ],
    ]);
    expect(summary()).toHaveTextContent('can lose 1 more node');
  });
});

describe('QuorumHero: what the Proxmox API source cannot know', () => {
  it('says expected and needed votes assume the default quorum options, and that link health needs SSH', () => {
    const s = healthy();
    hero({ ...s, source: 'pve', links: [], cluster: { ...s.cluster, quorumOptionsKnown: false } });
    expect(screen.getByTestId('quorum-options-assumed')).toHaveTextContent('assume the default quorum options');
    expect(screen.getByTestId('quorum-options-assumed')).toHaveTextContent('Add SSH');
    expect(screen.getByText(/link health needs SSH/)).toBeInTheDocument();
    expect(screen.queryByTestId('standalone')).not.toBeInTheDocument();
  });

  it('a standalone node is "not in a cluster", not a quorum story', () => {
    const s = healthy({ nodes: 1 } as never);
    hero({ ...s, source: 'pve', links: [], cluster: { ...s.cluster, standalone: true, quorumOptionsKnown: false } });
    expect(screen.getByTestId('standalone')).toHaveTextContent('not in a cluster, so there is no quorum to lose');
    expect(screen.queryByTestId('quorum-options-assumed')).not.toBeInTheDocument();
  });
});
