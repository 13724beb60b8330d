// Join a node (`pvecm add`): the source measures (JoinControl.joinFacts), the model judges (joinPlan: every
// check with why and the fix, quorum before and after), a dry run always answers with that plan; a run is
// refused while any check fails; it runs as a task, then proves the result — the new member online with its
// votes and the cluster's expected votes and quorum as planned — or fails naming what differs.
import { z } from 'zod';
import { decodeJoinInfo, joinPlan, JoinRequest, type ClusterSnapshot, type JoinPlan } from '@quorate/model';
import type { JoinControl, JoinInput } from '@quorate/sources';
import { HttpError } from '../http-errors';
import type { OperationDef } from './guard';
import { verifyMembership } from './verify';

type Plan = JoinPlan & { refusal: string | null; recovery: false; needsClusterName: false };

/** the join's input: the request with a pasted Join Information folded in (it names the cluster and its certificate) */
export function joinInput(p: JoinRequest, snapshot: ClusterSnapshot): JoinInput {
  let fingerprint = p.fingerprint;
  if (p.joinInfo !== undefined) {
    const d = decodeJoinInfo(p.joinInfo);
    if (!d.ok) throw new HttpError(400, d.error, [{ path: 'joinInfo', message: d.error }]);
    if (d.info.clusterName !== snapshot.cluster.name)
      throw new HttpError(409, `this join information is cluster '${d.info.clusterName}'s, not '${snapshot.cluster.name}'s: choose that cluster, or copy the information from a member of this one`, [
        { path: 'joinInfo', message: `from cluster '${d.info.clusterName}'` },
      ]);
    if (fingerprint !== undefined && fingerprint !== d.info.fingerprint)
      throw new HttpError(400, `the fingerprint given (${fingerprint}) is not the one in the join information (${d.info.fingerprint})`, [{ path: 'fingerprint', message: 'differs from the join information' }]);
    fingerprint = d.info.fingerprint;
  }
  return { name: p.node.name, addresses: p.node.addresses, nodeid: p.nodeid, votes: p.votes, fingerprint, password: p.credentials?.password, joiner: p.joiner };
}

/** a candidate named alone (a sim or lab spare): its own link addresses, as the source offers them */
async function withCandidate(input: JoinInput, control: JoinControl): Promise<JoinInput> {
  if (input.addresses !== undefined && input.addresses.length > 0) return input;
  const candidate = (await control.candidates()).find((c) => c.name === input.name);
  return candidate && candidate.addresses.length > 0 ? { ...input, addresses: candidate.addresses } : input;
}

export const join: OperationDef<JoinRequest, Plan> = {
  name: 'join',
  role: 'operator',
  params: JoinRequest,
  dryRunAlwaysAnswers: true,
  auditParams: (p) => ({
    node: p.node.name,
    ...(p.node.addresses ? { addresses: p.node.addresses } : {}),
    ...(p.nodeid !== undefined ? { nodeid: p.nodeid } : {}),
    ...(p.votes !== undefined ? { votes: p.votes } : {}),
    ...(p.fingerprint ? { fingerprint: p.fingerprint } : {}),
    ...(p.joinInfo !== undefined ? { joinInfo: 'pasted' } : {}),
    // passwords and codes never: only that they were given, and where the join runs
    ...(p.credentials ? { credentials: 'given for this call only' } : {}),
    ...(p.joiner ? { joiner: { url: p.joiner.url, ...(p.joiner.fingerprint ? { fingerprint: p.joiner.fingerprint } : {}), credentials: 'given for this call only' } } : {}),
    dryRun: p.dryRun === true,
  }),
  unsupported: (cluster) =>
    cluster.collector.source.capabilities.join
      ? null
      : `cluster '${cluster.config.id}' (${cluster.config.source}) cannot join nodes through Quorate: its source has no join capability`,
  async plan(p, cluster, snapshot) {
    const control = cluster.collector.source.capabilities.join!;
    const facts = await control.joinFacts(await withCandidate(joinInput(p, snapshot), control));
    const plan = joinPlan(facts);
    const failed = plan.checks.filter((c) => c.status === 'fail');
    const refusal = failed.length > 0 ? `the pre-flight failed: ${failed.map((c) => `${c.title.toLowerCase()} — ${c.measured}`).join('; ')}` : null;
    return { ...plan, refusal, recovery: false, needsClusterName: false };
  },
  async run(p, cluster, log, signal, plan, checkpoint) {
    const control = cluster.collector.source.capabilities.join!;
    const input = await withCandidate(joinInput(p, cluster.collector.current()!.snapshot), control);
    log(`joining ${input.name} as node id ${plan.nodeid}: expected votes ${plan.before.expectedVotes} → ${plan.after.expectedVotes}, needed ${plan.before.quorum} → ${plan.after.quorum}`);
    await control.join(input, { log, signal, checkpoint });
    await verifyMembership(cluster, log, signal, { present: input.name, expectedVotes: plan.after.expectedVotes, quorum: plan.after.quorum });
  },
  summary: (p) => `node ${p.node.name} joined`,
  // a Proxmox join outlives a BFF restart: its UPID is followed further with the source's token
  resume: {
    state: (p, plan) => ({ node: p.node.name, expectedVotes: plan.after.expectedVotes, quorum: plan.after.quorum }),
    async follow(raw, handle, cluster, log, signal) {
      const state = ResumeState.parse(raw);
      const control = cluster.collector.source.capabilities.join;
      if (!control?.resume) throw new Error(`cluster '${cluster.config.id}' cannot follow a join after a restart: check ${state.node} on the cluster`);
      await control.resume(handle, { log, signal });
      await verifyMembership(cluster, log, signal, { present: state.node, expectedVotes: state.expectedVotes, quorum: state.quorum });
    },
    summary: (raw) => `node ${ResumeState.parse(raw).node} joined`,
  },
};

const ResumeState = z.object({ node: z.string(), expectedVotes: z.number().int(), quorum: z.number().int() });
