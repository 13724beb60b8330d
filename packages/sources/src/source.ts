// One interface for every way of observing a cluster: the simulator, the real-Corosync lab, a PVE cluster.
import type { AdvisorFacts, ClusterSnapshot, JoinFacts, LinkChange, LinkFacts, QdeviceFacts, QdeviceSetupInput, LinkAddress, SimFault, SourceKind } from '@quorate/model';

export type SourceState = 'starting' | 'ok' | 'degraded' | 'down';

export interface SourceHealth {
  state: SourceState;
  /** why, in words: "pve2: timeout after 3 s", "no Corosync runs in namespace qlab-n1" */
  message: string | null;
  /** when the last good observation was made (ms since epoch) */
  lastObservedAt: number | null;
  /** a pinned TLS certificate that no longer matches (pve): both fingerprints, for the admin to compare */
  certificate?: { url: string; pinned: string; presented: string };
}

export type SnapshotListener = (snapshot: ClusterSnapshot) => void;

/** Inject a fault (the simulator): an invalid fault throws and changes nothing. */
export interface FaultInjection {
  applyFault(fault: SimFault): void;
}

/** What `corosync-quorumtool -e` printed, as task log lines (real Corosync). */
export interface ExpectedVotesOutcome {
  log: string[];
}

/** `pvecm expected N` on the node whose view the dashboard shows; rejects with the cluster's refusal. */
export interface ExpectedVotesControl {
  setExpectedVotes(n: number): void | ExpectedVotesOutcome | Promise<void | ExpectedVotesOutcome>;
}

/** Everything a restart needs to resume the same cluster (the simulator's state). */
export interface StateExport {
  exportState(): unknown;
}

/** a task's voice: each line goes to the task log; `signal` aborts before the point of no return */
export interface TaskIo {
  log(line: string): void;
  signal: AbortSignal;
  /**
   * past the point of no return: what a restarted process needs to follow the change further (JSON, never
   * secrets; e.g. a Proxmox task's node and UPID); kept with the task at once
   */
  checkpoint?(handle: Record<string, unknown>): void;
}

/** what a join asks (the REST body minus the guard's fields; secrets only for the call) */
export interface JoinInput {
  name: string;
  addresses?: LinkAddress[] | undefined;
  nodeid?: number | undefined;
  votes?: number | undefined;
  /** pve: the member's certificate and root@pam password */
  fingerprint?: string | undefined;
  password?: string | undefined;
  /** pve: the joining node's API — the join runs there as root@pam (the sim and lab ignore it) */
  joiner?: JoinerAccess | undefined;
}

/** pve: how to reach a standalone node's API as root@pam (secrets only for the call) */
export interface JoinerAccess {
  /** https://host:8006 */
  url: string;
  /** its API certificate (SHA-256 colon hex); without it nothing is sent to the node */
  fingerprint?: string | undefined;
  /** root@pam's password there */
  password: string;
  /** the current TOTP code when root@pam has a second factor */
  otp?: string | undefined;
}

/** a node that could join (a sim or lab spare): the wizard offers it */
export interface JoinCandidate {
  name: string;
  addresses: LinkAddress[];
}

/**
 * Join a node (`pvecm add`): the facts for the pre-flight (model join/), then the join itself. The
 * source checks nothing on its own beyond what the cluster would refuse; the BFF runs the checks.
 */
export interface JoinControl {
  candidates(): Promise<JoinCandidate[]>;
  joinFacts(input: JoinInput): Promise<JoinFacts>;
  join(input: JoinInput, io: TaskIo): Promise<void>;
  /** the cluster's Join Information (the Proxmox GUI's base64 blob) of the member the source reads through */
  joinInformation?(): Promise<string>;
  /**
   * after a restart: follow a join this source had checkpointed (io.checkpoint's handle) to its end, with
   * the source's own credentials (the passwords were for the call only); rejects when the join failed
   */
  resume?(handle: Record<string, unknown>, io: TaskIo): Promise<void>;
}

/**
 * Create a cluster from standalone nodes (`pvecm create` on the first, `pvecm add` for the others). pve: each
 * node's API comes in `joiner` (URL, fingerprint, root@pam password): the first node creates, the others join
 * it with its root@pam password; the sim and lab ignore it.
 */
export interface CreateControl {
  candidates(): Promise<JoinCandidate[]>;
  create(input: { clusterName: string; nodes: { name: string; addresses?: LinkAddress[] | undefined; joiner?: JoinerAccess | undefined }[] }, io: TaskIo): Promise<void>;
}

/**
 * Remove a node (`pvecm delnode`): it must be powered off first; rejects with the cluster's refusal. pve: the
 * call is root@pam's only, so `root` carries its password (an API token is refused); the sim and lab ignore it.
 */
export interface DelnodeControl {
  delnode(name: string, io: TaskIo, root?: { password: string; otp?: string | undefined }): Promise<void>;
}

/**
 * Set up or remove a QDevice (`pvecm qdevice setup <host>` / `remove`): the facts for the pre-flight (model
 * qdevice/), then the change as a task. The source checks nothing beyond what the cluster would refuse; the
 * BFF runs the checks and verifies the result (the QDevice's vote in the snapshot) afterwards.
 */
export interface QdeviceControl {
  /** each node's corosync-qdevice package and TCP 5403 to `host`, and whether qnetd runs there */
  qdeviceFacts(host: string): Promise<QdeviceFacts>;
  /** certificates, the quorum.device section, corosync-qdevice on every node, corosync-cfgtool -R */
  setup(input: QdeviceSetupInput, io: TaskIo): Promise<void>;
  /** the section removed, the daemons stopped, the certificates deleted, corosync-cfgtool -R */
  remove(io: TaskIo): Promise<void>;
}

/**
 * Change the Corosync links (issue 16): the running corosync.conf and probes of a change's new addresses for
 * the pre-flight; then a new corosync.conf (edited by the BFF with packages/corosync, config_version bumped)
 * written on every node and reloaded (`corosync-cfgtool -R`). The BFF verifies the result and, when it does
 * not show, applies the previous configuration again (with a higher config_version).
 */
export interface LinkControl {
  /** each node's addresses a link could use (global scope, not loopback), by node name: the page offers them */
  interfaces(): Promise<Record<string, string[]>>;
  linkFacts(change: LinkChange): Promise<LinkFacts>;
  /** write `text` as corosync.conf on every node, then reload; rejects with why */
  apply(text: string, io: TaskIo): Promise<void>;
}

/**
 * The design advisor's facts beyond the snapshot (versions, clocks, storage servers, HA guests' disks), read
 * on demand; a fact the source cannot read is left out, so its check says "not checked (needs …)".
 */
export interface AdvisorFactsControl {
  advisorFacts(): Promise<AdvisorFacts>;
}

/**
 * What a source can do besides watching, each a capability it has or not. The BFF asks for a
 * capability, never casts; `GET /api/v1/clusters` lists them and the page shows only what a cluster can do.
 * Next: qdevice, link edit.
 */
export interface SourceCapabilities {
  faults?: FaultInjection;
  expectedVotes?: ExpectedVotesControl;
  stateExport?: StateExport;
  join?: JoinControl;
  create?: CreateControl;
  delnode?: DelnodeControl;
  advisorFacts?: AdvisorFactsControl;
  qdevice?: QdeviceControl;
  links?: LinkControl;
}
export type CapabilityName = keyof SourceCapabilities;

/** the names of the capabilities a source has, in a stable order */
export function capabilityNames(c: SourceCapabilities): CapabilityName[] {
  return (['faults', 'expectedVotes', 'stateExport', 'join', 'create', 'delnode', 'advisorFacts', 'qdevice', 'links'] as const).filter((k) => c[k] !== undefined);
}

export interface ClusterSource {
  readonly kind: SourceKind;
  /** the BFF's id of the cluster this source observes */
  readonly clusterId: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** the newest snapshot, or null before the first observation */
  current(): ClusterSnapshot | null;
  /** called with every new snapshot (a change, or a fresh observation); returns an unsubscribe function */
  subscribe(listener: SnapshotListener): () => void;
  health(): SourceHealth;
  /** what it can do besides watching (may change while a deferred source comes up) */
  readonly capabilities: SourceCapabilities;
}
