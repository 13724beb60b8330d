import { describe, expect, it } from 'vitest';
import { fixture, fixtures, stripHarnessPrefix } from './fixtures.test-helper';

describe('fixtures', () => {
  it('loads every fixture file, byte for byte (trailing spaces kept)', () => {
    expect(fixtures.size).toBe(70);
    expect(fixture('quorumtool-siH__partition-isolated-1of3__node3.txt')).toContain('Flags:            \n');
    expect(fixture('quorumtool-s__quorate-3of3__node1.txt')).toContain('Quorum:           2  \n');
    expect(fixture('cmapctl-members-votequorum-totem__3of3__node1.txt')).toContain('ip(198.18.0.11) \n');
    expect(fixture('cfgtool-s__3of3__node1.txt')).toContain('\t\tnodeid:          2:\tconnected\n');
  });

  it('strips the capture harness prefix only', () => {
    const text = stripHarnessPrefix(fixture('sample.default.linkdown.quorumtool-m.txt'));
    expect(text.split('\n')[0]).toBe('Quorum information');
    expect(text).toContain('\nQuorum:           2  \n');
    expect(text).not.toMatch(/\| /);
  });
});
