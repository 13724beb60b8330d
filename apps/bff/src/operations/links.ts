// A change to the Corosync links (issue 16; `POST /api/v1/operations/links`): the source reads the running
// corosync.conf and probes the new addresses; packages/corosync edits the configuration (config_version + 1);
// the model judges both (linkPlan); a dry run answers with the plan and the corosync.conf diff. A run writes it
// on every node and reloads, then proves the result (the new config_version everywhere the dashboard looks, the
// link connected between every pair — or gone); when the proof does not come, the previous configuration is
// applied again (with a still higher config_version) so the cluster is never left on a half-working change.
import { createTwoFilesPatch } from 'diff';
import { editCorosyncConfText, parseCorosyncConf, serializeCorosyncConf, type LinkEdit } from '@quorate/corosync';
import { isUnmeasured, linkPlan, LinkChangeRequest, type ClusterSnapshot, type LinkChange, type LinkEditOutcome, type LinkPlan } from '@quorate/model';
import type { OperationDef } from './guard';
import { untilShown, VERIFY_MS } from './verify';

type Plan = LinkPlan & { diff: string | null; refusal: string | null; recovery: false; needsClusterName: true; previous: string | null; next: string | null };

/** the model's change as packages/corosync's edit */
export function toEdit(c: LinkChange): LinkEdit {
  if (c.kind === 'add-link') return { kind: 'add-link', link: c.link, addresses: Object.fromEntries(c.addresses.map((a) => [a.node, a.address])), ...(c.priority !== undefined ? { priority: c.priority } : {}) };
  return c;
}

/** the previous configuration to apply again after a failed change: its text with config_version above both */
export function restoreText(previous: string, above: number): string | null {
  const parsed = parseCorosyncConf(previous);
  if (!parsed.ok) return null;
  const totem = parsed.value.items.find((i) => i.type === 'section' && i.name === 'totem');
  if (!totem || totem.type !== 'section') return null;
  const v = totem.items.find((i) => i.type === 'pair' && i.key === 'config_version');
  if (!v || v.type !== 'pair') return null;
  v.value = String(above + 1);
  return serializeCorosyncConf(parsed.value);
}

/** what still differs from the change's result in the snapshot; empty when it shows */
export function linkDifferences(s: ClusterSnapshot, c: LinkChange, configVersion: number): string[] {
  const out: string[] = [];
  if (s.cluster.configVersion !== null && s.cluster.configVersion !== undefined && s.cluster.configVersion < configVersion) out.push(`config_version ${s.cluster.configVersion}, planned ${configVersion}`);
  const online = s.nodes.filter((n) => n.state === 'online').map((n) => n.id);
  const pairs = online.flatMap((a) => online.filter((b) => b > a).map((b) => [a, b] as const));
  const name = (id: number) => s.nodes.find((n) => n.id === id)?.name ?? `node ${id}`;
  const connected = (a: number, b: number, link: number) => s.links.some((l) => l.link === link && l.connected && ((l.from === a && l.to === b) || (l.from === b && l.to === a)));
  if (c.kind === 'add-link' || c.kind === 'set-address') {
    const involved = c.kind === 'set-address' ? s.nodes.find((n) => n.name === c.node)?.id : undefined;
    const down = pairs.filter(([a, b]) => (involved === undefined || a === involved || b === involved) && !connected(a, b, c.link)).map(([a, b]) => `${name(a)}–${name(b)}`);
    if (down.length > 0) out.push(`link ${c.link} not connected: ${down.slice(0, 6).join(', ')}${down.length > 6 ? ' …' : ''}`);
  }
  if (c.kind === 'set-address') {
    const n = s.nodes.find((x) => x.name === c.node);
    const a = n?.addresses.find((x) => x.link === c.link)?.address;
    if (a !== undefined && a !== c.address) out.push(`${c.node} shows ${a} on link ${c.link}`);
  }
  if (c.kind === 'remove-link' && s.links.some((l) => l.link === c.link && l.connected)) out.push(`link ${c.link} still carries traffic`);
  if (!s.quorum?.quorate) out.push('not quorate');
  return out;
}

export const links: OperationDef<LinkChangeRequest, Plan> = {
  name: 'links',
  role: 'operator',
  params: LinkChangeRequest,
  dryRunAlwaysAnswers: true,
  auditParams: (p) => ({ change: p.change, dryRun: p.dryRun === true }),
  unsupported: (cluster) => (cluster.collector.source.capabilities.links ? null : `cluster '${cluster.config.id}' (${cluster.config.source}) cannot change its Corosync links through Quorate: its source has no links capability`),
  async plan(p, cluster, snapshot) {
    const control = cluster.collector.source.capabilities.links!;
    const facts = await control.linkFacts(p.change);
    const previous = isUnmeasured(facts.conf) ? null : facts.conf.text;
    const edit: LinkEditOutcome | null = previous === null ? null : editCorosyncConfText(previous, toEdit(p.change));
    const plan = linkPlan(snapshot, p.change, facts, edit);
    const next = edit?.ok ? edit.text : null;
    const diff = previous !== null && next !== null ? createTwoFilesPatch('corosync.conf', 'corosync.conf', previous, next, `config_version ${edit!.ok ? edit!.configVersion.from : ''}`, `config_version ${edit!.ok ? edit!.configVersion.to : ''}`) : null;
    const failed = plan.checks.filter((c) => c.status === 'fail');
    const refusal = failed.length > 0 ? `the pre-flight failed: ${failed.map((c) => `${c.title.toLowerCase()} — ${c.measured}`).join('; ')}` : null;
    return { ...plan, diff, refusal, recovery: false, needsClusterName: true, previous, next };
  },
  async run(p, cluster, log, signal, plan) {
    const control = cluster.collector.source.capabilities.links!;
    if (plan.next === null || plan.previous === null || plan.configVersion === null) throw new Error('no configuration to apply');
    log(`${plan.sentence}`);
    await control.apply(plan.next, { log, signal });
    log(`verifying: config_version ${plan.configVersion.to}${p.change.kind === 'add-link' || p.change.kind === 'set-address' ? `, link ${p.change.link} connected` : p.change.kind === 'remove-link' ? `, link ${p.change.link} gone` : ''}, quorate`);
    const { last: left } = await untilShown(cluster, signal, (s) => linkDifferences(s, p.change, plan.configVersion!.to), VERIFY_MS);
    if (left.length === 0) {
      log(`verified: ${plan.sentence}`);
      return;
    }
    // the change did not show: the previous configuration again, on every node
    log(`the change does not show after ${Math.round(VERIFY_MS / 1000)} s (${left.join('; ')}): restoring the previous corosync.conf`);
    const restore = restoreText(plan.previous, plan.configVersion.to);
    if (restore === null) throw new Error(`the change does not show (${left.join('; ')}) and the previous configuration could not be prepared: restore /etc/pve/corosync.conf by hand`);
    await control.apply(restore, { log, signal: new AbortController().signal });
    throw new Error(`the change did not show (${left.join('; ')}); the previous configuration was applied again (config_version ${plan.configVersion.to + 1})`);
  },
  summary: (p) => `links changed: ${p.change.kind}`,
};
