// @vitest-environment happy-dom
// Storage: one row per storage (a shared one once, not once per node); a node whose storage cannot be asked
// (pve: offline) is "unknown (node offline)", not 0 bytes, and is left out of the figures.
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '@quorate/model';
import { pageSample, valid, words } from '../test/component';
import { StoragePanel } from './StoragePanel';

function pve(): ClusterSnapshot {
  return structuredClone(pageSample('pve').entry.snapshot);
}

describe('StoragePanel', () => {
  it('pve3 offline: shared ceph-rbd is one row with the figure of a node that knows it, pve3 unknown (node offline)', () => {
    render(<StoragePanel s={valid(pve())} stale={false} />);
    expect(screen.getAllByTestId('storage-ceph-rbd')).toHaveLength(1);
    const row = screen.getByTestId('storage-ceph-rbd');
    expect(within(row).getByRole('progressbar', { name: 'ceph-rbd usage' })).toHaveAttribute('aria-valuetext', '41% used, 4.90 TiB of 12.0 TiB');
    expect(words(within(row).getByTestId('storage-nodes'))).toBe('2 of 3 active · pve3 unknown (node offline)');
  });

  it('local storage: the sum leaves the unknown node out; per node it says unknown (node offline), no "0 B"', () => {
    render(<StoragePanel s={valid(pve())} stale={false} />);
    const row = screen.getByTestId('storage-local-zfs');
    expect(within(row).getByRole('progressbar', { name: 'local-zfs usage, all nodes' })).toHaveAttribute('aria-valuetext', '39% used, 710 GiB of 1.76 TiB');
    const perNode = within(row).getAllByRole('listitem').map((li) => words(li));
    expect(perNode).toContain('pve3 unknown (node offline)');
    expect(row.textContent).not.toMatch(/0 B/);
  });

  it('every node unknown: "usage unknown (node offline)" instead of an empty bar', () => {
    const s = pve();
    for (const st of s.storage ?? []) for (const n of st.nodes) Object.assign(n, { unknown: true, active: false, totalBytes: 0, usedBytes: 0, availBytes: 0 });
    render(<StoragePanel s={valid(s)} stale={false} />);
    const row = screen.getByTestId('storage-ceph-rbd');
    expect(within(row).queryByRole('progressbar')).not.toBeInTheDocument();
    expect(within(row).getByTestId('storage-unknown')).toHaveTextContent('usage unknown (node offline)');
  });

  it('sim storage (no unknown flag): bars as before, no unknown wording', () => {
    render(<StoragePanel s={valid(pageSample('quorate').entry.snapshot)} stale={false} />);
    expect(screen.getAllByRole('progressbar')).toHaveLength(3);
    expect(screen.queryByText(/unknown/)).not.toBeInTheDocument();
  });
});
