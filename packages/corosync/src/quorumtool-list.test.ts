import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures.test-helper';
import { parseQuorumtoolList } from './quorumtool-list';

const summary = (text: string) => {
  const r = parseQuorumtoolList(text);
  if (!r.ok) throw new Error(r.error.message);
  expect(r.warnings).toBeUndefined();
  return r.value.rows.map((x) => `${x.nodeId}:${x.votes}:${x.name}${x.local ? ':L' : ''}`);
};

describe('parseQuorumtoolList', () => {
  it('reads -l on a healthy node (leading empty line, decimal ids)', () => {
    expect(summary(fixture('quorumtool-l__3of3__node1.txt'))).toEqual(['1:1:pve1:L', '2:1:pve2', '3:1:pve3']);
    const r = parseQuorumtoolList(fixture('quorumtool-l__3of3__node1.txt'));
    expect(r.ok && r.value.nodeIdFormat).toBe('decimal');
  });

  it('reads -l on the two-link lab (names, not addresses: -l has no -i)', () => {
    expect(summary(fixture('quorumtool-l__3of3-2links__node1.txt'))).toEqual(['1:1:pve1:L', '2:1:pve2', '3:1:pve3']);
  });

  it('reads -l on an isolated node', () => {
    expect(summary(fixture('quorumtool-l__inquorate-1of3__isolated__node3.txt'))).toEqual(['3:1:pve3:L']);
  });

  it('reads pvecm nodes from the admin guide', () => {
    expect(summary(fixture('pvecm-nodes__4of4__admin-guide.txt'))).toEqual(['1:1:hp1', '2:1:hp2:L', '3:1:hp3', '4:1:hp4']);
  });

  it('accepts a full -s report, warning about the sections it skips', () => {
    const r = parseQuorumtoolList(fixture('quorumtool-s__quorate-2of3__node3-sigkill__node1.txt'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.rows.map((x) => x.nodeId)).toEqual([1, 2]);
    expect(r.warnings).toEqual(['line 1: section "Quorum information" ignored', 'line 10: section "Votequorum information" ignored']);
  });

  it('fails without a table, and on a bad header', () => {
    expect(parseQuorumtoolList('\nCannot initialize CMAP service\n')).toEqual({
      ok: false,
      error: { line: 2, message: 'no "Membership information" table', text: 'Cannot initialize CMAP service' },
    });
    expect(parseQuorumtoolList('\nMembership information\n----------------------\n    Id Who\n')).toMatchObject({
      ok: false,
      error: { line: 4, message: 'Membership information: unrecognised column header' },
    });
  });
});
