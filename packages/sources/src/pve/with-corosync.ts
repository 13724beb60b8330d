// A pve cluster with SSH: the API source and a Corosync source (over SSH) run side by side; every snapshot
// of either is merged (merge.ts: Corosync wins where they disagree) and passed on at once, so a quorum
// change arrives at the `-m` stream's speed, not at the API's 2 s poll. Expected votes is Corosync's; join,
// create and delnode are the API's.
// Health: ok when both answer; degraded naming the half that does not; down only when neither does.
import type { AdvisorFacts, ClusterSnapshot } from '@quorate/model';
import type { AdvisorFactsControl, ClusterSource, JoinControl, SnapshotListener, SourceCapabilities, SourceHealth } from '../source';
import { Subscribable } from '../subscribable';
import { mergeCorosync } from './merge';

export class PveWithCorosync implements ClusterSource {
  readonly kind = 'pve' as const;
  readonly clusterId: string;
  private readonly listeners = new Subscribable<ClusterSnapshot>();
  private readonly unsubscribe: (() => void)[] = [];
  private last: ClusterSnapshot | null = null;

  constructor(
    private readonly api: ClusterSource,
    private readonly corosync: ClusterSource,
  ) {
    this.clusterId = api.clusterId;
    if (corosync.clusterId !== api.clusterId) throw new Error(`the Corosync source watches '${corosync.clusterId}', not '${api.clusterId}'`);
  }

  async start(): Promise<void> {
    this.unsubscribe.push(this.api.subscribe(() => this.emit()), this.corosync.subscribe(() => this.emit()));
    // each half reports itself down when it cannot start; neither may keep the other from starting
    await Promise.all([this.api.start(), this.corosync.start()]);
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    await Promise.all([this.api.stop(), this.corosync.stop()]);
  }

  current(): ClusterSnapshot | null {
    return this.last ?? this.merged();
  }

  subscribe(listener: SnapshotListener): () => void {
    return this.listeners.subscribe(listener);
  }

  health(): SourceHealth {
    const a = this.api.health();
    const c = this.corosync.health();
    const lastObservedAt = Math.max(a.lastObservedAt ?? 0, c.lastObservedAt ?? 0) || null;
    // a changed certificate is the API half's: the admin's card to trust it needs both fingerprints
    const cert = a.certificate ? { certificate: a.certificate } : {};
    const up = (h: SourceHealth) => h.state === 'ok' || h.state === 'degraded';
    if (a.state === 'starting' && c.state === 'starting') return { state: 'starting', message: null, lastObservedAt, ...cert };
    if (!up(a) && !up(c)) return { state: 'down', message: `API: ${a.message ?? a.state}; SSH: ${c.message ?? c.state}`, lastObservedAt, ...cert };
    const problems = [a.state === 'ok' ? null : `API: ${a.message ?? a.state}`, c.state === 'ok' ? null : `SSH: ${c.message ?? c.state}`].filter((p) => p !== null);
    return { state: problems.length > 0 ? 'degraded' : 'ok', message: problems.length > 0 ? problems.join('; ') : null, lastObservedAt, ...cert };
  }

  /** expected votes, the QDevice and the links are Corosync's (SSH); join, create and delnode the API's (with the quorum options SSH reads) */
  get capabilities(): SourceCapabilities {
    const expectedVotes = this.corosync.capabilities.expectedVotes;
    const { join, create, delnode } = this.api.capabilities;
    const apiFacts = this.api.capabilities.advisorFacts;
    const sshFacts = this.corosync.capabilities.advisorFacts;
    return {
      ...(expectedVotes !== undefined ? { expectedVotes } : {}),
      ...(apiFacts || sshFacts ? { advisorFacts: { advisorFacts: () => mergeFacts(apiFacts, sshFacts) } } : {}),
      // the API has no QDevice call: pvecm over SSH
      ...(this.corosync.capabilities.qdevice ? { qdevice: this.corosync.capabilities.qdevice } : {}),
      ...(this.corosync.capabilities.links ? { links: this.corosync.capabilities.links } : {}),
      ...(join !== undefined ? { join: this.withQuorumOptions(join) } : {}),
      ...(create !== undefined ? { create } : {}),
      ...(delnode !== undefined ? { delnode } : {}),
    };
  }

  /** the API cannot read corosync.conf's quorum {} options; the SSH half can: its options go into the join's facts */
  private withQuorumOptions(join: JoinControl): JoinControl {
    return {
      candidates: () => join.candidates(),
      join: (input, io) => join.join(input, io),
      ...(join.joinInformation ? { joinInformation: () => join.joinInformation!() } : {}),
      joinFacts: async (input) => {
        const facts = await join.joinFacts(input);
        const c = this.corosync.current()?.cluster;
        return c !== undefined && c.quorumOptionsKnown !== false && this.corosync.health().state !== 'down' ? { ...facts, cluster: { ...facts.cluster, options: c.quorumOptions } } : facts;
      },
    };
  }

  private merged(): ClusterSnapshot | null {
    const c = this.corosync.health();
    const problem = c.state === 'ok' ? null : (c.message ?? c.state);
    // a Corosync source that is down keeps its last snapshot: stale, so not a view to lead with
    return mergeCorosync(this.api.current(), c.state === 'down' ? null : this.corosync.current(), problem);
  }

  private emit(): void {
    const next = this.merged();
    if (next === null) return;
    this.last = next;
    this.listeners.emit(next);
  }
}

/** the API's facts with SSH's on top: `corosync -v` and a clock read in one round trip beat apt/versions and /time's whole seconds */
async function mergeFacts(api: AdvisorFactsControl | undefined, ssh: AdvisorFactsControl | undefined): Promise<AdvisorFacts> {
  const none: AdvisorFacts = {};
  const [a, c] = await Promise.all([api ? api.advisorFacts().catch(() => none) : none, ssh ? ssh.advisorFacts().catch(() => none) : none]);
  return {
    ...a,
    ...c,
    corosyncVersions: { ...a.corosyncVersions, ...c.corosyncVersions },
    clockOffsetsMs: Object.keys(c.clockOffsetsMs ?? {}).length >= 2 ? c.clockOffsetsMs! : { ...a.clockOffsetsMs },
  };
}
