// Set up or remove a QDevice (`pvecm qdevice setup <host>` / `remove`): the source measures (qdeviceFacts: the
// package on every node, TCP 5403 to qnetd), the model judges (qdevicePlan: every check, quorum before and
// after), a dry run always answers with that plan; a run is refused while any check fails; it runs as a task,
// then proves the result: the QDevice's vote counted and the expected votes and quorum as planned.
// Removing it lowers what the cluster can lose: the cluster name is typed to confirm.
import { qdevicePlan, QdeviceRequest, type QdevicePlan } from '@quorate/model';
import type { OperationDef } from './guard';
import { verifyMembership } from './verify';

type Plan = QdevicePlan & { refusal: string | null; recovery: false; needsClusterName: boolean };

export const qdevice: OperationDef<QdeviceRequest, Plan> = {
  name: 'qdevice',
  role: 'operator',
  params: QdeviceRequest,
  dryRunAlwaysAnswers: true,
  auditParams: (p) => ({ action: p.action, ...(p.host ? { host: p.host } : {}), ...(p.algorithm ? { algorithm: p.algorithm } : {}), ...(p.force ? { force: true } : {}), dryRun: p.dryRun === true }),
  unsupported: (cluster) =>
    cluster.collector.source.capabilities.qdevice ? null : `cluster '${cluster.config.id}' (${cluster.config.source}) cannot change its QDevice through Quorate: its source has no qdevice capability`,
  async plan(p, cluster, snapshot) {
    const control = cluster.collector.source.capabilities.qdevice!;
    const facts = p.action === 'setup' ? await control.qdeviceFacts(p.host!) : null;
    const plan = qdevicePlan(snapshot, p, facts);
    const failed = plan.checks.filter((c) => c.status === 'fail');
    const refusal = failed.length > 0 ? `the pre-flight failed: ${failed.map((c) => `${c.title.toLowerCase()} — ${c.measured}`).join('; ')}` : null;
    return { ...plan, refusal, recovery: false, needsClusterName: p.action === 'remove' };
  },
  async run(p, cluster, log, signal, plan) {
    const control = cluster.collector.source.capabilities.qdevice!;
    log(`${p.action === 'setup' ? `setting up a QDevice (${plan.algorithm}) at ${plan.host}` : `removing the QDevice at ${plan.host ?? 'its host'}`}: ${plan.sentence}`);
    if (p.action === 'setup') await control.setup({ host: p.host!, algorithm: plan.algorithm ?? 'ffsplit' }, { log, signal });
    else await control.remove({ log, signal });
    await verifyMembership(cluster, log, signal, { qdeviceVotes: p.action === 'setup' ? plan.votes : null, expectedVotes: plan.after.expectedVotes, quorum: plan.after.quorum });
  },
  summary: (p) => (p.action === 'setup' ? `QDevice set up at ${p.host}` : 'QDevice removed'),
};
