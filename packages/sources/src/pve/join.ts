// The pve source's JoinControl over the Proxmox API: the cluster's Join Information, the pre-flight's facts
// (the cluster through the source's token, the joining node through its own API as root@pam when
// JoinInput.joiner gives it), and the join itself on the joining node (join-run.ts). The API cannot probe
// Corosync's UDP port: probes are unmeasured, never a silent pass.
import type { JoinFacts, Unmeasured } from '@quorate/model';
import type { JoinCandidate, JoinControl, JoinInput, TaskIo } from '../source';
import { clockVsLocal } from './clock';
import type { PveClient } from './client';
import { clusterFacts } from './join-cluster-facts';
import { joinInfoBlob, listedFingerprint, preferredMember, readJoinInfo } from './join-info';
import { joinerFacts } from './join-joiner-facts';
import { resumeJoin } from './join-resume';
import { runJoin } from './join-run';
import { StatusRow, parseRows } from './schemas';
import { scrub, scrubError } from './scrub';
import { RootSession } from './session';
import type { FollowBounds } from './task-follow';
import { normalizeFingerprint, probeCertificate } from './transport';

export const API_PROBES: Unmeasured = { unmeasured: "the API cannot probe Corosync's UDP port; add SSH to measure it" };

export interface PveOpsOptions {
  /** the source's client (API token): reads the cluster */
  client: PveClient;
  /** the task follower's bounds (tests shorten them) */
  bounds?: Partial<FollowBounds>;
  /** one call's timeout on a joining node, ms */
  timeoutMs?: number;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** root@pam on the joining node, or why there is none (no access given, no fingerprint to trust) */
export async function joinerSession(input: JoinInput, timeoutMs?: number): Promise<{ session: RootSession } | { why: string }> {
  const j = input.joiner;
  if (j === undefined) return { why: `no access to ${input.name}'s API was given (its URL, certificate fingerprint and root@pam password)` };
  const fp = j.fingerprint !== undefined ? normalizeFingerprint(j.fingerprint) : null;
  if (fp === null) {
    const seen = await probeCertificate(j.url).then((c) => `it presents ${c.fingerprint}`, (e: unknown) => messageOf(e));
    return { why: `${input.name}'s certificate fingerprint was not given, so nothing is sent to ${j.url} (${seen}); compare it with ${input.name}'s GUI (System → Certificates) and give it` };
  }
  return { session: RootSession.pinned(j.url, fp, { password: j.password, otp: j.otp }, `${input.name} (${j.url})`, timeoutMs) };
}

export class PveJoin implements JoinControl {
  constructor(private readonly o: PveOpsOptions) {}

  /** a pve cluster has no spares: the joining node is given by its API */
  async candidates(): Promise<JoinCandidate[]> {
    return [];
  }

  async joinInformation(): Promise<string> {
    return joinInfoBlob(await readJoinInfo(this.o.client));
  }

  async joinFacts(input: JoinInput): Promise<JoinFacts> {
    const secrets = [input.password, input.joiner?.password, input.joiner?.otp];
    const side = await clusterFacts(this.o.client);
    // each clock against the local one; their difference is the joiner's offset from the cluster
    const clusterClock = side.localNode !== null ? clockVsLocal(this.o.client, side.localNode).catch(() => null) : Promise.resolve(null);
    const s = await joinerSession(input, this.o.timeoutMs);
    const joiner = await joinerFacts(input, 'session' in s ? s.session : null, 'why' in s ? scrub(s.why, secrets) : '', clusterClock);
    return { cluster: side.cluster, joiner: joiner.facts, probes: API_PROBES, fingerprint: input.fingerprint !== undefined ? (normalizeFingerprint(input.fingerprint) ?? input.fingerprint) : null };
  }

  async join(input: JoinInput, io: TaskIo): Promise<void> {
    const secrets = [input.password, input.joiner?.password, input.joiner?.otp];
    try {
      await this.run(input, io, secrets);
    } catch (err) {
      throw scrubError(err, secrets);
    }
  }

  async resume(handle: Record<string, unknown>, io: TaskIo): Promise<void> {
    await resumeJoin(this.o.client, handle, io, this.o.bounds);
  }

  private async run(input: JoinInput, io: TaskIo, secrets: (string | undefined)[]): Promise<void> {
    if (input.password === undefined || input.password === '') throw new Error(`joining needs the cluster's root@pam password (the joining node logs in to the member with it)`);
    const s = await joinerSession(input, this.o.timeoutMs);
    if ('why' in s) throw new Error(`cannot join ${input.name}: ${scrub(s.why, secrets)}`);
    const info = await readJoinInfo(this.o.client);
    const member = preferredMember(info);
    const asked = input.fingerprint !== undefined ? normalizeFingerprint(input.fingerprint) : null;
    if (input.fingerprint !== undefined && asked !== member.pve_fp) throw new Error(`fingerprint '${input.fingerprint}' not verified, abort! — the cluster lists ${member.pve_fp} for ${member.name}`);
    if (info.nodelist.some((n) => n.name === input.name)) throw new Error(`can't add existing node '${input.name}': the cluster already has a node of that name`);
    // the node must be the one named: the join adds it under the name it gives itself
    const rows = parseRows(await (await s.session.client()).get('cluster/status'), StatusRow, 'cluster/status').rows;
    const local = rows.find((r) => r.type === 'node' && r.local === true)?.name;
    if (local !== undefined && local !== input.name) throw new Error(`${input.joiner!.url} is node ${local}, not ${input.name}: nothing was changed`);
    io.log(`${input.name}: logged in as root@pam; the member is ${member.name} (${member.pve_addr}, ${member.pve_fp})`);
    await runJoin({
      session: s.session,
      name: input.name,
      target: { hostname: member.pve_addr, fingerprint: member.pve_fp, password: input.password },
      request: input,
      io,
      listedFingerprint: () => listedFingerprint(this.o.client, input.name),
      bounds: this.o.bounds,
      secrets,
    });
    io.log(`${input.name} joined; its API certificate is now ${s.session.fingerprint ?? 'unknown'}`);
  }
}
