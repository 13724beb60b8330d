// @vitest-environment happy-dom
// The join wizard's parts, without a server: a pasted Join Information (good, broken, another cluster's),
// the pre-flight (a failing check blocks Next, a warning does not; each verdict in words, not colour
// alone), and the review's predicted-quorum sentence.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { encodeJoinInfo, JoinPlan, type JoinCheck, type Task } from '@quorate/model';
import '../../test/component';
import { FingerprintStep, PreflightStep, ReviewStep, RunStep } from './JoinSteps';
import { quorumSentence } from './QuorumChange';
import { SourceStep } from './SourceStep';

const FP = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':');
const blob = (cluster = 'lab') =>
  encodeJoinInfo(
    { address: '198.18.0.11', fingerprint: FP, peerLinks: [{ link: 0, address: '198.18.0.11' }, { link: 1, address: '198.19.0.11' }] },
    { cluster_name: cluster, config_version: '3', interface: { '0': { linknumber: '0' }, '1': { linknumber: '1' } } },
  );

function source(onNext = vi.fn()) {
  render(<SourceStep initial={{ node: 'pve4', info: undefined }} clusterId={null} clusterName="lab" candidates={[]} candidatesError={null} onNext={onNext} />);
  return { onNext, user: userEvent.setup() };
}
const infoBox = () => screen.getByRole('textbox', { name: /^Join Information/ });

describe('the source step: a pasted Join Information', () => {
  it('decodes a good one in the page: cluster, member, links and the fingerprint; Next carries it', async () => {
    const { onNext, user } = source();
    // wrapped over lines as it pastes from a narrow window
    const wrapped = blob().replace(/(.{60})/g, '$1\n');
    await user.click(infoBox());
    await user.paste(wrapped);
    const decoded = screen.getByTestId('join-info-decoded');
    expect(decoded).toHaveTextContent('Cluster lab · member 198.18.0.11 · links 0, 1');
    expect(within(decoded).getByTestId('join-info-fingerprint')).toHaveAttribute('data-fingerprint', FP);
    await user.click(screen.getByTestId('step-next'));
    expect(onNext).toHaveBeenCalledWith({ node: 'pve4', info: wrapped.trim() });
  });

  it('says in words what is wrong with a broken one, and does not go on', async () => {
    const { onNext, user } = source();
    await user.click(infoBox());
    await user.paste('this is not a blob!');
    expect(infoBox()).toHaveAccessibleDescription(/not join information: it is not base64/);
    expect(screen.queryByTestId('join-info-decoded')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('step-next'));
    expect(onNext).not.toHaveBeenCalled();
  });

  it('a blob that decodes but is cut short, and one of another cluster, are refused with the reason', async () => {
    const { onNext, user } = source();
    await user.click(infoBox());
    await user.paste(blob().slice(0, 40));
    expect(infoBox()).toHaveAccessibleDescription(/cut short|not JSON|not base64|does not decode/);
    await user.clear(infoBox());
    await user.paste(blob('prod'));
    expect(infoBox()).toHaveAccessibleDescription(/cluster “prod”’s, not “lab”’s/);
    await user.click(screen.getByTestId('step-next'));
    expect(onNext).not.toHaveBeenCalled();
  });
});

const figures = (expectedVotes: number, quorum: number, nodesCanLose: number) => ({ expectedVotes, quorum, totalVotes: expectedVotes, quorate: true, nodesCanLose });
const check = (id: string, status: JoinCheck['status']): JoinCheck => ({
  id,
  status,
  title: `Check ${id}`,
  measured: `measured ${id}`,
  why: `why ${id}`,
  fix: status === 'pass' ? null : `fix ${id}`,
});
const planOf = (checks: JoinCheck[]) => ({
  ...JoinPlan.parse({ checks, canJoin: checks.every((c) => c.status !== 'fail'), nodeid: 4, before: figures(3, 2, 1), after: figures(4, 3, 1) }),
  refusal: null,
});

function preflight(checks: JoinCheck[]) {
  const onNext = vi.fn();
  render(<PreflightStep plan={planOf(checks)} error={null} fetching={false} onRecheck={vi.fn()} onBack={vi.fn()} onNext={onNext} />);
  return { onNext, user: userEvent.setup() };
}

describe('the pre-flight', () => {
  it('a failing check blocks Next and says FAIL with what was measured, why and the fix', async () => {
    const { onNext, user } = preflight([check('name-unique', 'pass'), check('corosync-port', 'fail'), check('clock-skew', 'warn')]);
    const fail = screen.getByTestId('check-corosync-port');
    expect(within(fail).getByTestId('check-word')).toHaveTextContent('FAIL');
    expect(fail).toHaveTextContent('Measured: measured corosync-port');
    expect(fail).toHaveTextContent('Why it matters: why corosync-port');
    expect(fail).toHaveTextContent('Fix: fix corosync-port');
    expect(screen.getByTestId('preflight-summary')).toHaveTextContent('1 passed · 1 warning · 1 failed');
    expect(screen.getByTestId('preflight-blocked')).toBeInTheDocument();
    expect(screen.getByTestId('step-next')).toBeDisabled();
    await user.click(screen.getByTestId('step-next'));
    expect(onNext).not.toHaveBeenCalled();
  });

  it('a warning does not block; every verdict is a word as well as a mark (not colour alone)', async () => {
    const { onNext, user } = preflight([check('name-unique', 'pass'), check('clock-skew', 'warn')]);
    expect(within(screen.getByTestId('check-clock-skew')).getByTestId('check-word')).toHaveTextContent('warning');
    expect(within(screen.getByTestId('check-name-unique')).getByTestId('check-word')).toHaveTextContent('pass');
    // the problems come first
    expect(screen.getAllByTestId(/^check-(?!word)/).map((el) => el.dataset.status)).toEqual(['warn', 'pass']);
    expect(screen.queryByTestId('preflight-blocked')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('step-next'));
    expect(onNext).toHaveBeenCalledTimes(1);
  });
});

describe('the review', () => {
  it('states the predicted quorum as one sentence and restates the warnings', () => {
    expect(quorumSentence(figures(3, 2, 1), figures(4, 3, 1))).toBe('expected votes 3 → 4, needed 2 → 3, can lose 1 node → 1 node');
    expect(quorumSentence(figures(2, 2, 0), figures(3, 2, 1))).toBe('expected votes 2 → 3, needed 2 → 2, can lose 0 nodes → 1 node');
    render(
      <ReviewStep
        node="pve4"
        clusterName="lab"
        links={[{ link: 0, address: '198.18.0.14' }]}
        plan={planOf([check('name-unique', 'pass'), check('clock-skew', 'warn')])}
        error={null}
        running={false}
        runError={null}
        onBack={vi.fn()}
        onRun={vi.fn()}
      />,
    );
    expect(screen.getByTestId('review-quorum-sentence')).toHaveTextContent('expected votes 3 → 4, needed 2 → 3, can lose 1 node → 1 node');
    expect(within(screen.getByTestId('review-warnings')).getByTestId('check-clock-skew')).toHaveTextContent('Fix: fix clock-skew');
    // nothing runs before the confirmation
    expect(screen.getByTestId('join-run')).toBeDisabled();
  });
});

describe('the fingerprint', () => {
  it('shows the expected one grouped for the eye and whole for a screen reader; Next only once the member’s matches', async () => {
    const onNext = vi.fn();
    render(<FingerprintStep expected={FP} measured={null} onBack={vi.fn()} onNext={onNext} />);
    const user = userEvent.setup();
    const expected = screen.getByTestId('fp-expected');
    expect(expected.querySelector('.sr-only')).toHaveTextContent(FP);
    expect([...expected.querySelectorAll('[aria-hidden="true"]')].map((g) => g.textContent)).toHaveLength(4);
    expect(screen.getByTestId('step-next')).toBeDisabled();
    const typed = screen.getByRole('textbox', { name: /The member’s fingerprint/ });
    await user.type(typed, FP.replace(/^../, '00'));
    expect(screen.getByTestId('fp-verdict')).toHaveTextContent('They differ');
    expect(screen.getByTestId('step-next')).toBeDisabled();
    await user.clear(typed);
    await user.type(typed, FP.toLowerCase());
    expect(screen.getByTestId('fp-verdict')).toHaveTextContent('The same fingerprint');
    await user.click(screen.getByTestId('step-next'));
    expect(onNext).toHaveBeenCalledTimes(1);
  });
});

describe('the run', () => {
  it('a failed task names the step it stopped at and keeps the whole log', () => {
    const lines = ['user alice (operator) runs join on cluster \'lab\'', 'Establishing API connection with host \'198.18.0.11\'', 'Request addition of this node', 'failed: pve4 to join the quorate membership: timed out'];
    const task: Task = {
      id: 'task_3',
      operation: 'join',
      clusterId: 'lab',
      status: 'failed',
      startedAt: 1,
      endedAt: 2,
      actor: { kind: 'user', id: 'u1', name: 'alice' },
      params: {},
      message: 'failed: pve4 to join the quorate membership: timed out',
      log: lines.map((line, at) => ({ at, line })),
    };
    render(<RunStep task={task} error={null} onVerify={vi.fn()} onRestart={vi.fn()} />);
    expect(screen.getByTestId('join-task-status')).toHaveTextContent('Join: Failed');
    expect(screen.getByTestId('join-task-failed-step')).toHaveTextContent('It stopped at: “Request addition of this node”. failed: pve4 to join the quorate membership: timed out');
    expect(screen.getByTestId('join-task-log').textContent).toBe(lines.join('\n'));
    expect(screen.getByTestId('join-task-latest')).toHaveAttribute('aria-live', 'polite');
    expect(screen.queryByRole('button', { name: 'Next: verify' })).not.toBeInTheDocument();
    expect(screen.getByTestId('join-back-to-preflight')).toBeInTheDocument();
  });
});
