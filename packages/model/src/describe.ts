// Human wording shared by the BFF (event messages) and the web app (labels), so both say the same thing.
import type { EventBody } from './events';

/** "1 vote", "3 votes" */
export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

/** The numbers of a quorum state in one phrase: "1 of 3 votes, 2 needed". */
export function votesSentence(q: { totalVotes: number; expectedVotes: number; quorum: number }): string {
  return `${q.totalVotes} of ${plural(q.expectedVotes, 'vote')}, ${q.quorum} needed`;
}

/** "pve2, pve3"; a long list ends in "and N more" so a message stays one line. */
export function nameList(names: readonly string[], max = 5): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** "link 0 pve1→pve3": links are observed from one end, so the arrow says whose knet reports it. */
export function linkLabel(link: number, fromName: string, toName: string): string {
  return `link ${link} ${fromName}→${toName}`;
}

/** "800 ms", "3.2 s", "2 min 5 s" */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const s = Math.round(ms / 1000);
  const rest = s % 60;
  return rest === 0 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 60)} min ${rest} s`;
}

/** The one word a dashboard shows for a storage on a node: a disabled storage is "disabled", whatever it reports. */
/** unknown: the node is offline, so its view of the storage is not known (the Proxmox API source) */
export function storageStateWord(s: { enabled: boolean; active: boolean; unknown?: boolean | undefined }): 'active' | 'inactive' | 'disabled' | 'unknown' {
  if (s.unknown) return 'unknown';
  if (!s.enabled) return 'disabled';
  return s.active ? 'active' : 'inactive';
}

function versionWord(v: number | null): string {
  return v === null ? 'unknown' : String(v);
}

/** "82 ms, 5 % loss" (what is known of it) */
function linkFigures(b: { latencyMs: number | null; lossPct: number | null }): string {
  const parts = [b.latencyMs !== null ? `${Math.round(b.latencyMs * 10) / 10} ms` : null, b.lossPct !== null ? `${Math.round(b.lossPct * 10) / 10} % loss` : null];
  return parts.filter(Boolean).join(', ') || 'no figures';
}

/** One line for humans per event body; the diff uses it for EventDraft.message. */
export function describeEvent(body: EventBody): string {
  switch (body.type) {
    case 'node-left':
      return `${body.name} left the cluster (${plural(body.votes, 'vote')})`;
    case 'node-joined':
      return `${body.name} joined the cluster (${plural(body.votes, 'vote')})`;
    case 'quorum-lost': {
      const missing = body.missing.length > 0 ? ` (missing ${nameList(body.missing.map((m) => m.name))})` : '';
      return `quorum lost: ${votesSentence(body)}${missing}`;
    }
    case 'quorum-regained':
      return `quorum regained: ${votesSentence(body)}`;
    case 'expected-votes-changed':
      return `expected votes changed from ${body.from} to ${body.to}`;
    case 'link-down':
      return `${linkLabel(body.link, body.fromName, body.toName)} down`;
    case 'link-up':
      return `${linkLabel(body.link, body.fromName, body.toName)} up`;
    case 'config-version-changed':
      return `cluster configuration version changed from ${versionWord(body.from)} to ${versionWord(body.to)}`;
    case 'storage-state-changed':
      return `storage ${body.storage} on ${body.node} ${storageStateWord(body)}`;
    case 'observer-changed':
      if (body.to === null) return body.from ? `no node can be asked (observer was ${body.from.name})` : 'no node can be asked';
      if (body.from === null) return `observing through ${body.to.name}`;
      return `observer changed from ${body.from.name} to ${body.to.name}`;
    case 'partition-changed':
      return body.partitioned
        ? 'cluster partitioned: reachable nodes disagree on membership'
        : 'partition healed: reachable nodes agree on membership';
    case 'node-unreachable-warning':
      if (body.revised) return `forecast for ${body.name} revised: quorum would now be ${body.quorateAfterDrop ? 'kept' : 'lost'} when Corosync drops it`;
      return (
        `${body.name} unreachable on every link: drop expected in ${formatDuration(body.expectedDropInMs)}, ` +
        `quorum would be ${body.quorateAfterDrop ? 'kept' : 'lost'}`
      );
    case 'node-unreachable-cleared':
      return `unreachable warning for ${body.name} cleared`;
    case 'link-degraded':
      return `${linkLabel(body.link, body.fromName, body.toName)} degraded: ${linkFigures(body)}`;
    case 'link-recovered':
      return `${linkLabel(body.link, body.fromName, body.toName)} recovered: ${linkFigures(body)}`;
    case 'ha-error':
      return `HA resource ${body.sid}${body.node ? ` on ${body.node}` : ''} is in error state: the HA manager stopped trying (fix it, then disable and re-enable it)`;
    case 'ha-error-cleared':
      return `HA resource ${body.sid}${body.node ? ` on ${body.node}` : ''} left the error state (now ${body.state})`;
    case 'ha-fencing':
      return `HA is fencing ${body.node}: its HA resources wait until it is fenced, then recover on other nodes`;
    case 'ceph-health-changed':
      return `Ceph health changed from ${body.from} to ${body.to}`;
  }
}
