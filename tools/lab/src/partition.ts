// `lab partition GROUP GROUP...`: which node may talk to which, and the nftables rules that enforce it.
// Pure, so parsing and the rule text are unit-tested without root.

export const PARTITION_TABLE = 'quorate_lab_partition';

/** Thrown for bad groups; the CLI exits 2 with the message. */
export class PartitionError extends Error {
  override readonly name = 'PartitionError';
}

/**
 * `["pve1,pve2", "3,pve4"]` -> [[1, 2], [3, 4]]: at least two groups, every node of the lab in exactly one.
 * Node ids are sorted inside a group; groups keep their order.
 */
export function parsePartition(groups: readonly string[], nodeIds: readonly number[]): number[][] {
  if (groups.length < 2) {
    throw new PartitionError(`partition needs at least two groups of nodes, e.g. partition pve1,pve2 pve3 (got ${groups.length})`);
  }
  const known = new Set(nodeIds);
  const seen = new Map<number, number>();
  const out = groups.map((g, gi) => {
    const ids = g.split(',').map((t) => t.trim());
    if (ids.some((t) => t === '')) throw new PartitionError(`partition: group ${gi + 1} (${JSON.stringify(g)}) has an empty node name`);
    return ids
      .map((t) => {
        const m = /^(?:pve)?(\d{1,3})$/.exec(t);
        const id = m ? Number(m[1]) : NaN;
        if (!known.has(id)) throw new PartitionError(`partition: no node ${JSON.stringify(t)} in this lab (nodes: ${nodeIds.map((i) => `pve${i}`).join(', ')})`);
        const before = seen.get(id);
        if (before !== undefined) {
          throw new PartitionError(`partition: pve${id} is in ${before === gi ? `group ${gi + 1} twice` : `groups ${before + 1} and ${gi + 1}`}; every node belongs to exactly one group`);
        }
        seen.set(id, gi);
        return id;
      })
      .sort((a, b) => a - b);
  });
  const missing = nodeIds.filter((id) => !seen.has(id));
  if (missing.length > 0) {
    throw new PartitionError(`partition: ${missing.map((id) => `pve${id}`).join(', ')} in no group; every node belongs to exactly one (e.g. add a group: ${missing.map((id) => `pve${id}`).join(',')})`);
  }
  return out;
}

/**
 * The nft script for one node: drop every IPv4 packet to and from the addresses (all links) of nodes
 * outside its group, in both directions, nothing else (so the host link of `--sshd` still reaches it).
 * Replaces an earlier partition of the node atomically; with no peers to cut it only removes the table.
 */
export function partitionRules(cutAddresses: readonly string[]): string {
  const lines = [`table inet ${PARTITION_TABLE} { }`, `delete table inet ${PARTITION_TABLE}`];
  if (cutAddresses.length > 0) {
    const set = `{ ${cutAddresses.join(', ')} }`;
    lines.push(
      `table inet ${PARTITION_TABLE} {`,
      '  chain in {',
      '    type filter hook input priority -10; policy accept;',
      `    ip saddr ${set} counter drop`,
      '  }',
      '  chain out {',
      '    type filter hook output priority -10; policy accept;',
      `    ip daddr ${set} counter drop`,
      '  }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `pve1,pve2 | pve3,pve4` */
export function describePartition(groups: readonly (readonly number[])[]): string {
  return groups.map((g) => g.map((id) => `pve${id}`).join(',')).join(' | ');
}
