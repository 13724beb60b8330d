// The plan page's words from the model's own answers (whatIf, canReboot, adviseCluster on sample snapshots):
// the result sentence, a partition's line, the advisor grouped worst first with its count, the margin and
// the HA guests line (only when the BFF says).
import { describe, expect, it } from 'vitest';
import { adviseCluster, canReboot, whatIf, type AdvisorCheck } from '@quorate/model';
import { sampleSnapshot } from '@quorate/model/testing';
import { advisorSummary, groupChecks, haGuestsText, marginText, partitionLine, reasonBeyondVotes, resultSentence } from './plan-text';

const five = sampleSnapshot({ nodes: 5, storage: false });

describe('resultSentence', () => {
  it('nothing fails: quorum holds, with the arithmetic', () => {
    expect(resultSentence(whatIf(five))).toBe('Quorum holds: pve1, pve2, pve3, pve4 and pve5 hold 5 of 5 votes, 3 needed');
  });

  it('three of five fail: quorum is lost, 2 of 5, 3 needed', () => {
    expect(resultSentence(whatIf(five, { nodes: ['pve3', 'pve4', 'pve5'] }))).toBe('Quorum is lost: pve1 and pve2 hold 2 of 5 votes, 3 needed');
  });

  it('a node cut off on every link: the quorate side, and who is cut off', () => {
    const r = whatIf(five, { links: [0, 1].map((link) => ({ node: 'pve1', link })) });
    expect(resultSentence(r)).toBe('Quorum holds: pve2, pve3, pve4 and pve5 hold 4 of 5 votes, 3 needed; pve1 is cut off without quorum');
  });

  it('a split without a quorate side names every side', () => {
    const four = sampleSnapshot({ nodes: 4, storage: false });
    const r = whatIf(four, { links: ['pve1', 'pve2'].flatMap((node) => [0, 1].map((link) => ({ node, link }))), nodes: ['pve3'] });
    expect(r.quorate).toBe(false);
    expect(resultSentence(r)).toBe('Quorum is lost: pve1 holds 1 of 4 votes, 3 needed; pve2 holds 1 of 4 votes, 3 needed; pve4 holds 1 of 4 votes, 3 needed');
  });

  it('every node down', () => {
    expect(resultSentence(whatIf(five, { nodes: ['pve1', 'pve2', 'pve3', 'pve4', 'pve5'] }))).toBe('Quorum is lost: no node is left running');
  });
});

describe('partitionLine and reasonBeyondVotes', () => {
  const p = { nodes: ['pve1'], votes: 1, expectedVotes: 2, quorum: 2, quorate: true, mode: 'two-node' as const, reason: 'two_node: 1 of 2 nodes is enough (1 of 2 votes)' };
  it('a mode says why instead of "N needed"', () => {
    expect(partitionLine(p)).toBe('pve1 holds 1 of 2 votes (two_node: one of two nodes is enough)');
    expect(reasonBeyondVotes(p)).toBe(p.reason);
  });
  it('votes alone: the reason adds nothing, or only what follows the votes', () => {
    const v = { ...p, mode: 'votes' as const, nodes: ['pve1', 'pve2'], votes: 2, quorum: 2, reason: '2 of 2 votes, 2 needed' };
    expect(partitionLine(v)).toBe('pve1 and pve2 hold 2 of 2 votes, 2 needed');
    expect(reasonBeyondVotes(v)).toBeNull();
    expect(reasonBeyondVotes({ ...v, reason: '2 of 2 votes, 2 needed; QDevice ffsplit: its vote goes to the only partition' })).toBe('QDevice ffsplit: its vote goes to the only partition');
  });
});

describe('the advisor, grouped', () => {
  const check = (id: AdvisorCheck['id'], status: AdvisorCheck['status']): AdvisorCheck => ({ id, status, title: id, measured: 'm', why: 'w', fix: status === 'pass' ? null : 'f' });

  it('fail → warn → not-checked → pass, each in the given order, empty groups left out', () => {
    const checks = [check('few-votes', 'pass'), check('single-link', 'not-checked'), check('clock-skew', 'warn'), check('token-timeout', 'fail'), check('link-latency', 'warn')];
    expect(groupChecks(checks).map((g) => [g.status, g.checks.map((c) => c.id)])).toEqual([
      ['fail', ['token-timeout']],
      ['warn', ['clock-skew', 'link-latency']],
      ['not-checked', ['single-link']],
      ['pass', ['few-votes']],
    ]);
    expect(groupChecks([check('few-votes', 'pass')]).map((g) => g.status)).toEqual(['pass']);
  });

  it('the count, zeros too; not checked is never counted as passed', () => {
    expect(advisorSummary([check('few-votes', 'warn'), check('single-link', 'not-checked'), check('clock-skew', 'not-checked')])).toBe('0 failed · 1 warning · 2 not checked · 0 passed');
    expect(advisorSummary([check('few-votes', 'warn'), check('single-link', 'warn'), check('clock-skew', 'pass')])).toBe('0 failed · 2 warnings · 0 not checked · 1 passed');
  });

  it("on the model's 2-node sample: few votes is a warning, clock skew not checked", () => {
    const groups = groupChecks(adviseCluster(sampleSnapshot({ nodes: 2, storage: false })).checks);
    expect(groups.find((g) => g.status === 'warn')?.checks.map((c) => c.id)).toContain('few-votes');
    expect(groups.find((g) => g.status === 'not-checked')?.checks.map((c) => c.id)).toContain('clock-skew');
    expect(groups.find((g) => g.status === 'pass')?.checks.map((c) => c.id) ?? []).not.toContain('clock-skew');
  });
});

describe('the reboot check', () => {
  it('the margin in words', () => {
    const three = sampleSnapshot({ nodes: 3, storage: false });
    expect(marginText(canReboot(three, 'pve2'))).toBe('no margin: no other node may fail until it is back');
    expect(marginText(canReboot(five, 'pve2'))).toBe('1 more node can fail until it is back');
    expect(marginText({ canReboot: true, alreadyDown: false, margin: 3, marginExact: false })).toBe('at most 3 more nodes can fail until it is back');
    expect(marginText({ canReboot: false, alreadyDown: false, margin: 0, marginExact: true })).toBe('no margin: quorum is lost while it is down');
  });

  it('HA guests: only when the BFF says', () => {
    expect(haGuestsText({})).toBeNull();
    expect(haGuestsText({ haGuests: null })).toBeNull();
    expect(haGuestsText({ haGuests: ['vm:100', 'ct:101'] })).toBe('HA guests that would move: vm:100, ct:101');
    expect(haGuestsText({ haGuests: [] })).toBe('No HA guest would move.');
  });
});
