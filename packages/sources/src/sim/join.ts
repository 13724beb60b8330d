// `pvecm add` of a spare, as Proxmox runs it (facts §1.5): the pre-flight (joinPlan on the sim's facts)
// refuses a join that would fail; then the task's log lines in order, a step apart. Until "Request addition
// of this node" a cancel leaves everything as it was; after it the cluster's nodelist has the node, which
// starts Corosync, merges into the membership after Corosync's join delay, and counts in expected votes.
import { joinAddresses, JoinFacts, joinPlan, type JoinPlan } from '@quorate/model';
import { SimFaultError } from './errors';
import { simJoinFacts } from './join-facts';
import { runner, type OperationOptions, type SimControl } from './operation';
import { relayout } from './relayout';
import type { SimNodeDef } from './state';
import { Topology } from './topology';

/** the plan, or SimFaultError naming every failed check */
function planOrRefuse(ctl: SimControl, spare: string, request: unknown): { plan: JoinPlan; facts: JoinFacts } {
  const facts = simJoinFacts(ctl.state(), ctl.snapshot(), spare, request);
  const plan = joinPlan(facts);
  const failed = plan.checks.filter((c) => c.status === 'fail');
  if (failed.length > 0) throw new SimFaultError(`cannot join ${spare}: ${failed.map((c) => `${c.title} — ${c.measured}`).join('; ')}`);
  return { plan, facts };
}

export async function simJoin(ctl: SimControl, spare: string, request: unknown, o: OperationOptions = {}): Promise<void> {
  const r = runner(o);
  r.checkAbort('join');
  const first = planOrRefuse(ctl, spare, request);
  const via = ctl.snapshot().observer;
  const host = ctl.snapshot().nodes.find((n) => n.id === via?.nodeId)?.addresses[0]?.address ?? 'unknown';
  await r.line(`Establishing API connection with host '${host}'`);
  await r.line('Login succeeded.');
  await r.line('check cluster join API version');
  const parsed = JoinFacts.parse(first.facts);
  if (parsed.joiner.addresses.length === 0) await r.line(`No cluster network links passed explicitly, fallback to local node IP '${joinAddresses(parsed)[0]?.address ?? ''}'`);
  r.checkAbort('join');
  // the cluster may have changed while the lines ran: the member decides on what is now
  const { plan, facts } = planOrRefuse(ctl, spare, request);
  o.log?.('Request addition of this node');
  // the point of no return: the member writes the node into corosync.conf
  const s = ctl.state();
  const topo = new Topology(s.config, s);
  const f = JoinFacts.parse(facts);
  const node: SimNodeDef = {
    name: f.joiner.name,
    id: plan.nodeid,
    votes: f.joiner.votes,
    addresses: joinAddresses(f)
      .sort((a, b) => a.link - b.link)
      .map((a) => a.address),
  };
  const order = [...topo.nodes.map((n, i) => ({ n, from: i as number | null })), { n: node, from: null }].sort((a, b) => a.n.id - b.n.id);
  const next = relayout(
    s,
    order.map((x) => x.n),
    order.map((x) => x.from),
  );
  ctl.replace({ ...next, spares: (next.spares ?? []).filter((x) => x.name !== node.name) });
  ctl.applyFault({ action: 'start', nodes: [node.name] });
  await r.line('Join request OK, finishing setup locally');
  await r.line('stopping pve-cluster service');
  await r.line(`backup old database to '/var/lib/pve-cluster/backup/config-${Math.floor(s.clock / 1000)}.sql.gz'`);
  await r.until(() => {
    const snap = ctl.snapshot();
    return snap.quorum?.quorate === true && snap.nodes.some((n) => n.name === node.name && n.state === 'online');
  }, `${node.name} to join the quorate membership`);
  await r.line('waiting for quorum...OK');
  await r.line('(re)generate node files');
  await r.line('generate new node certificate');
  await r.line('merge authorized SSH keys');
  await r.line('generated new node certificate, restart pveproxy and pvedaemon services');
  o.log?.(`successfully added node '${node.name}' to cluster.`);
}
