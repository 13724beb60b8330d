// @vitest-environment happy-dom
// The guarded `pvecm expected` dialog against a fake BFF (fetch): the server's dry-run plan, the cluster
// name asked whenever the plan says so, the split-brain box on the recovery path and the "more fragile"
// risk off it, submit held back until the typed name matches, and every error shown. The e2e spec runs
// the happy paths on the simulator; refusals, failures, notes and odd input are here.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExpectedVotesPlan, type ClusterSnapshot, type Task } from '@quorate/model';
import { queryKeys } from '../api/keys';
import { entryOf, healthy, pageSample, without, words } from '../test/component';
import ExpectedVotesDialog from './ExpectedVotesDialog';

type Body = { expectedVotes: number; dryRun: boolean; confirm?: boolean; clusterName?: string };
type Reply = { status: number; json: unknown };

/** a fake BFF: every POST to the operation, answered by `answer` (a dry run or a run); GET of a task by `task` */
function server(answer: (body: Body) => Reply | Promise<Reply>, task?: (id: string) => Reply) {
  const calls: Body[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const taskId = /^\/api\/v1\/tasks\/([^/?]+)$/.exec(url)?.[1];
      if (taskId !== undefined && task) {
        const reply = task(taskId);
        return new Response(JSON.stringify(reply.json), { status: reply.status, headers: { 'content-type': 'application/json' } });
      }
      expect(url).toBe('/api/v1/operations/expected-votes?cluster=lab');
      expect(init.method).toBe('POST');
      const body = JSON.parse(String(init.body)) as Body;
      calls.push(body);
      const reply = await answer(body);
      return new Response(JSON.stringify(reply.json), { status: reply.status, headers: { 'content-type': 'application/json' } });
    }),
  );
  return { calls, dryRuns: () => calls.filter((c) => c.dryRun).map((c) => c.expectedVotes), runs: () => calls.filter((c) => !c.dryRun) };
}

afterEach(() => vi.unstubAllGlobals());

type Figures = ExpectedVotesPlan['before'];
/** a dry-run answer as the BFF sends it (checked against the model's schema) */
function planReply(s: ClusterSnapshot, n: number, before: Figures, after: Figures, extra: { recovery?: boolean; risk?: string | null; needsClusterName?: boolean } = {}): Reply {
  const plan = ExpectedVotesPlan.parse({
    operation: 'expected-votes',
    clusterId: 'lab',
    clusterName: s.cluster.name,
    command: `pvecm expected ${n}`,
    before,
    after,
    recovery: extra.recovery ?? !before.quorate,
    risk: extra.risk ?? null,
    needsClusterName: extra.needsClusterName ?? !before.quorate,
  });
  return { status: 200, json: { ok: true, dryRun: true, plan } };
}

function taskOf(status: Task['status'], log: string[]): Task {
  const ended = status !== 'running';
  return {
    id: 'task_1',
    operation: 'expected-votes',
    clusterId: 'lab',
    status,
    startedAt: Date.now() - 300,
    endedAt: ended ? Date.now() : null,
    actor: { kind: 'user', id: 'u1', name: 'alice' },
    params: {},
    message: status === 'failed' ? `failed: ${log.at(-1) ?? ''}` : ended ? 'done' : null,
    log: log.map((line) => ({ at: Date.now(), line })),
  };
}

/** the BFF's 202: the task as it stood when accepted */
function taskReply(status: Task['status'], log: string[]): Reply {
  return { status: 202, json: { ok: true, task: taskOf(status, log) } };
}

function open(s: ClusterSnapshot) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  qc.setQueryData(queryKeys.snapshot('lab'), entryOf(s));
  const onClose = vi.fn();
  render(
    <QueryClientProvider client={qc}>
      <ExpectedVotesDialog clusterId="lab" onClose={onClose} />
    </QueryClientProvider>,
  );
  const dialog = screen.getByRole('dialog', { name: 'Set expected votes (pvecm expected)' });
  return { dialog, onClose, user: userEvent.setup() };
}

const input = () => screen.getByRole('spinbutton', { name: /^New expected votes/ });
const submit = () => screen.getByTestId('ev-submit');
const nameBox = () => screen.getByRole('textbox', { name: /Type the cluster name/ });
/** the plan table's figures: label → [now, after] */
function planRows(): Record<string, string[]> {
  const table = screen.getByTestId('ev-plan');
  return Object.fromEntries(
    within(table)
      .getAllByRole('rowheader')
      .map((th) => [th.textContent, within(th.closest('tr')!).getAllByRole('cell').map((td) => td.textContent)]),
  );
}

const lost = () => pageSample('lost').entry.snapshot;
const SPLIT_BRAIN_RISK =
  'The cluster is not quorate. Setting expected votes to 1 makes this partition (pve1) quorate on its own. If the missing nodes (pve2, pve3) are still running and can reach each other, they may do the same: two partitions that each believe they are the cluster write to the shared storage and the cluster filesystem — split brain.';

describe('ExpectedVotesDialog: the recovery path (not quorate)', () => {
  it('shows the plan and the split-brain box, and runs only once the cluster name is typed', async () => {
    const s = lost();
    let answerPlan: () => void = () => {};
    const bff = server(async (b) => {
      if (!b.dryRun) return taskReply('ok', ['pve1: pvecm expected 1', 'expected votes 3 -> 1; quorum 2 -> 1; 1 vote present; quorate']);
      await new Promise<void>((r) => (answerPlan = r));
      return planReply(
        s,
        1,
        { expectedVotes: 3, quorum: 2, totalVotes: 1, quorate: false, nodesCanLose: 0 },
        { expectedVotes: 1, quorum: 1, totalVotes: 1, quorate: true, nodesCanLose: 0 },
        { risk: SPLIT_BRAIN_RISK },
      );
    });
    const { dialog, onClose, user } = open(s);
    expect(words(screen.getByTestId('ev-current'))).toBe('lab-cluster: NOT QUORATE · 1 of 3 votes present, 2 needed · seen from pve1');
    // the model's last-resort value is offered
    expect(input()).toHaveValue(1);
    expect(dialog).toHaveTextContent('runs pvecm expected 1 on pve1');

    // before the server answers: asking, and already the guard of the recovery path
    await waitFor(() => expect(bff.dryRuns()).toEqual([1]));
    expect(screen.getByRole('region', { name: 'What it would do' })).toHaveTextContent('asking the server…');
    expect(screen.getByTestId('ev-risk')).toHaveTextContent('Split-brain risk: the last resort');
    expect(submit()).toBeDisabled();

    answerPlan();
    await screen.findByTestId('ev-plan');
    expect(planRows()).toEqual({
      'expected votes': ['3', '1'],
      'votes needed (quorum)': ['2', '1'],
      'votes present': ['1', '1'],
      state: ['NOT QUORATE', 'QUORATE'],
      'nodes it can lose': ['0', '0'],
    });
    expect(screen.getByTestId('ev-outcome')).toHaveTextContent('1 present ≥ 1 needed: this side becomes QUORATE again.');

    const risk = screen.getByTestId('ev-risk');
    expect(risk).toHaveTextContent('Do this only if pve2 and pve3 are certainly off (powered down or fenced) and stay off.');
    expect(risk).toHaveTextContent('both sides could write /etc/pve');
    expect(within(risk).getByText('The server’s full warning').closest('details')).toHaveTextContent(SPLIT_BRAIN_RISK);
    expect(risk).not.toHaveTextContent('more fragile');
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();

    // the name: a typo keeps it disabled and is marked invalid
    expect(submit()).toBeDisabled();
    await user.type(nameBox(), 'lab-clustr');
    expect(nameBox()).toHaveAttribute('aria-invalid', 'true');
    expect(submit()).toBeDisabled();
    await user.clear(nameBox());
    await user.type(nameBox(), 'lab-cluster');
    expect(nameBox()).toHaveAttribute('aria-invalid', 'false');
    expect(submit()).toBeEnabled();
    expect(submit()).toHaveTextContent('Set expected votes to 1');
    expect(bff.runs()).toEqual([]);

    await user.click(submit());
    const result = await screen.findByRole('region', { name: 'Result' });
    expect(bff.runs()).toEqual([{ expectedVotes: 1, confirm: true, clusterName: 'lab-cluster', dryRun: false }]);
    expect(result).toHaveTextContent('Expected votes set to 1');
    expect(result).toHaveTextContent('Task log (2 lines)');
    expect(screen.getByTestId('ev-task-log')).toHaveTextContent('pve1: pvecm expected 1 expected votes 3 -> 1');
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('one node missing: "is certainly off"; the name typed with spaces around it still matches', async () => {
    const s = without(healthy({ nodes: 2 }), [2], { quorate: false, flags: [] });
    const bff = server((b) =>
      b.dryRun
        ? planReply(s, 1, { expectedVotes: 2, quorum: 2, totalVotes: 1, quorate: false, nodesCanLose: 0 }, { expectedVotes: 1, quorum: 1, totalVotes: 1, quorate: true, nodesCanLose: 0 }, { risk: 'split brain' })
        : taskReply('ok', ['done']),
    );
    const { user } = open(s);
    await screen.findByTestId('ev-plan');
    expect(screen.getByTestId('ev-risk')).toHaveTextContent('Do this only if pve2 is certainly off');
    await user.type(nameBox(), '  lab ');
    expect(submit()).toBeEnabled();
    await user.click(submit());
    await screen.findByRole('region', { name: 'Result' });
    expect(bff.runs()).toEqual([{ expectedVotes: 1, confirm: true, clusterName: 'lab', dryRun: false }]);
  });

  it('the server refuses the value: its reason is shown and nothing can run', async () => {
    const s = lost();
    server(() => ({ status: 409, json: { error: 'corosync refuses expected votes below the votes present (1)' } }));
    const { user } = open(s);
    expect(await screen.findByTestId('ev-refusal')).toHaveTextContent('Refused: corosync refuses expected votes below the votes present (1)');
    expect(screen.queryByTestId('ev-plan')).not.toBeInTheDocument();
    await user.type(nameBox(), 'lab-cluster');
    expect(submit()).toBeDisabled();
  });
});

describe('ExpectedVotesDialog: a quorate cluster', () => {
  const HEALTHY = { expectedVotes: 3, quorum: 2, totalVotes: 3, quorate: true, nodesCanLose: 1 };
  const FRAGILE =
    'Raising expected votes to 5 makes the cluster fragile: 3 of the 3 votes present are then needed. The cluster could lose 1 node before; after this it can lose none: one more node down and the cluster loses quorum (/etc/pve turns read-only; HA nodes fence themselves).';

  it('nothing at risk: a tick confirms it, no name asked; the plan’s note is shown', async () => {
    const s = pageSample('quorate').entry.snapshot;
    const bff = server((b) =>
      b.dryRun
        ? planReply(s, b.expectedVotes, HEALTHY, { ...HEALTHY, expectedVotes: b.expectedVotes }, {
            risk: b.expectedVotes < 3 ? 'Lowering expected votes lowers the quorum to 2: fewer nodes keep the cluster quorate until corosync restarts or a node rejoins.' : null,
          })
        : taskReply('ok', ['pve1: pvecm expected 2']),
    );
    const { user } = open(s);
    expect(input()).toHaveValue(3);
    await screen.findByTestId('ev-plan');
    expect(screen.getByTestId('ev-outcome')).toHaveTextContent('3 present ≥ 2 needed: this side stays QUORATE.');
    expect(screen.queryByTestId('ev-note')).not.toBeInTheDocument();
    expect(screen.queryByTestId('ev-risk')).not.toBeInTheDocument();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();

    await user.clear(input());
    await user.type(input(), '2');
    await waitFor(() => expect(screen.getByTestId('ev-note')).toHaveTextContent('Lowering expected votes lowers the quorum to 2'));
    expect(planRows()['expected votes']).toEqual(['3', '2']);
    const tick = screen.getByRole('checkbox', { name: /I want to change the expected votes of the running cluster lab-cluster/ });
    expect(submit()).toBeDisabled();
    await user.click(tick);
    expect(submit()).toBeEnabled();
    await user.click(submit());
    await screen.findByRole('region', { name: 'Result' });
    expect(bff.runs()).toEqual([{ expectedVotes: 2, confirm: true, dryRun: false }]);
  });

  it('a change that costs failure tolerance: "more fragile" with the server’s words, the name instead of the tick', async () => {
    const s = pageSample('quorate').entry.snapshot;
    const bff = server((b) =>
      b.expectedVotes === 5
        ? planReply(s, 5, HEALTHY, { expectedVotes: 5, quorum: 3, totalVotes: 3, quorate: true, nodesCanLose: 0 }, { risk: FRAGILE, needsClusterName: true })
        : planReply(s, b.expectedVotes, HEALTHY, HEALTHY),
    );
    const { user } = open(s);
    await screen.findByTestId('ev-plan');
    expect(screen.getByRole('checkbox')).toBeInTheDocument();

    await user.clear(input());
    await user.type(input(), '5');
    const risk = await screen.findByTestId('ev-risk');
    expect(risk).toHaveTextContent('The cluster becomes more fragile');
    expect(screen.getByTestId('ev-risk-text')).toHaveTextContent(FRAGILE);
    expect(risk).not.toHaveTextContent('Split-brain');
    // the risk is in the box, not a second time as a note
    expect(screen.queryByTestId('ev-note')).not.toBeInTheDocument();
    expect(screen.queryByRole('checkbox')).not.toBeInTheDocument();
    expect(planRows()['nodes it can lose']).toEqual(['1', '0']);
    expect(submit()).toBeDisabled();
    await user.type(nameBox(), 'lab-cluster');
    expect(submit()).toBeEnabled();
    expect(bff.dryRuns()).toContain(5);
    expect(bff.runs()).toEqual([]);
  });

  it('a run the server refuses shows its error and the issues; a failed task shows the failure', async () => {
    const s = pageSample('quorate').entry.snapshot;
    let runs = 0;
    server((b) => {
      if (b.dryRun) return planReply(s, 3, HEALTHY, HEALTHY);
      runs++;
      return runs === 1
        ? { status: 400, json: { error: 'invalid request', issues: [{ path: 'expectedVotes', message: 'must be at most 65535' }] } }
        : taskReply('failed', ['pve1: pvecm expected 3', 'Unable to set expected votes: CS_ERR_INVALID_PARAM']);
    });
    const { user } = open(s);
    await screen.findByTestId('ev-plan');
    await user.click(screen.getByRole('checkbox'));
    await user.click(submit());
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('invalid request');
    expect(within(alert).getByRole('listitem')).toHaveTextContent('expectedVotes must be at most 65535');
    // still open to try again
    expect(submit()).toBeEnabled();
    await user.click(submit());
    const result = await screen.findByRole('region', { name: 'Result' });
    expect(result).toHaveAttribute('data-result', 'failed');
    expect(result).toHaveTextContent('Failed');
    expect(screen.getByTestId('ev-task-message')).toHaveTextContent('failed: Unable to set expected votes: CS_ERR_INVALID_PARAM');
    expect(screen.getByTestId('ev-task-log')).toHaveTextContent('Unable to set expected votes: CS_ERR_INVALID_PARAM');
  });

  it('a task still running when accepted is followed until it ends (GET /tasks/:id), its log growing', async () => {
    const s = pageSample('quorate').entry.snapshot;
    let asked = 0;
    server(
      (b) => (b.dryRun ? planReply(s, 3, HEALTHY, HEALTHY) : taskReply('running', ['alice (operator) runs expected-votes'])),
      () => {
        asked++;
        return { status: 200, json: asked < 2 ? taskOf('running', ['alice (operator) runs expected-votes']) : taskOf('ok', ['alice (operator) runs expected-votes', 'pve1: pvecm expected 3']) };
      },
    );
    const { user } = open(s);
    await screen.findByTestId('ev-plan');
    await user.click(screen.getByRole('checkbox'));
    await user.click(submit());
    const result = await screen.findByRole('region', { name: 'Result' });
    expect(result).toHaveAttribute('data-result', 'running');
    expect(result).toHaveTextContent('Running pvecm expected 3…');
    await waitFor(() => expect(result).toHaveAttribute('data-result', 'ok'), { timeout: 5000 });
    expect(result).toHaveTextContent('Expected votes set to 3');
    expect(screen.getByTestId('ev-task-log')).toHaveTextContent('pve1: pvecm expected 3');
  });

  it('only a whole number of at least 1 is put to the server', async () => {
    const s = pageSample('quorate').entry.snapshot;
    const bff = server((b) => planReply(s, b.expectedVotes, HEALTHY, { ...HEALTHY, expectedVotes: b.expectedVotes }));
    const { dialog, user } = open(s);
    await screen.findByTestId('ev-plan');
    for (const bad of ['', '0', '2.5']) {
      await user.clear(input());
      if (bad) await user.type(input(), bad);
      expect(screen.getByRole('region', { name: 'What it would do' })).toHaveTextContent('Enter a whole number of at least 1.');
      expect(submit()).toHaveTextContent(/^Set expected votes$/);
      expect(submit()).toBeDisabled();
      expect(dialog).toHaveTextContent('runs pvecm expected … on pve1');
    }
    await user.clear(input());
    await user.type(input(), '4');
    await waitFor(() => expect(planRows()['expected votes']).toEqual(['3', '4']));
    // 0 and 2.5 are never asked about (2, typed on the way to 2.5, is a whole number and may be)
    expect(bff.dryRuns()).not.toContain(0);
    expect(bff.dryRuns()).not.toContain(2.5);
    expect(bff.calls.every((c) => Number.isInteger(c.expectedVotes) && c.expectedVotes >= 1)).toBe(true);
  });

  it('Cancel closes it without running anything', async () => {
    const s = pageSample('quorate').entry.snapshot;
    const bff = server((b) => planReply(s, b.expectedVotes, HEALTHY, HEALTHY));
    const { onClose, user } = open(s);
    await screen.findByTestId('ev-plan');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(bff.runs()).toEqual([]);
  });
});
