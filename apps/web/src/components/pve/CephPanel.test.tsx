// @vitest-environment happy-dom
// The Ceph panel: health as a word in a badge, the checks' texts, the monitors' quorum with the line that it
// is Ceph's own and not the cluster's, the OSDs; nothing without Ceph.
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '@quorate/model';
import { pageSample, valid, words } from '../../test/component';
import CephPanel from './CephPanel';

function pve(name: 'pve' | 'pve-large' = 'pve'): ClusterSnapshot {
  return structuredClone(pageSample(name).entry.snapshot);
}

describe('CephPanel', () => {
  it('HEALTH_WARN: the badge in words, each check, 2 of 3 monitors with who is out, the quorum note, OSDs short in amber', () => {
    render(<CephPanel s={valid(pve())} stale={false} />);
    const region = screen.getByRole('region', { name: /^Ceph/ });
    const badge = within(region).getByTestId('ceph-health');
    expect(badge).toHaveTextContent('HEALTH_WARN');
    expect(badge.className).toMatch(/text-amber-800/);
    expect(within(region).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      '1/3 mons down, quorum pve1,pve2',
      '4 osds down',
      'Degraded data redundancy: 1021/3063 objects degraded (33.333%)',
    ]);
    expect(words(within(region).getByTestId('ceph-monitors'))).toBe('2 of 3 monitors in quorum (pve3 out)');
    expect(within(region).getByTestId('ceph-quorum-note')).toHaveTextContent('This is Ceph’s own monitor quorum, not the cluster’s (Corosync) quorum');
    expect(within(region).getByTestId('ceph-osds')).toHaveTextContent('OSDs: 8 up · 12 in · 12 total');
    expect(within(region).getByTestId('ceph-osds').className).toMatch(/amber/);
  });

  it('HEALTH_OK: green badge, no checks, all monitors in quorum; the note is there all the same', () => {
    render(<CephPanel s={valid(pve('pve-large'))} stale={false} />);
    expect(screen.getByTestId('ceph-health').className).toMatch(/text-emerald-800/);
    expect(screen.queryByTestId('ceph-checks')).not.toBeInTheDocument();
    expect(words(screen.getByTestId('ceph-monitors'))).toBe('3 of 3 monitors in quorum');
    expect(screen.getByTestId('ceph-quorum-note')).toBeInTheDocument();
    expect(screen.getByTestId('ceph-osds').className).not.toMatch(/amber/);
  });

  it('monitors without a majority are red; HEALTH_ERR red; unknown OSD figures are "?"; stale greys the badge', () => {
    const s = pve();
    s.ceph = { health: 'HEALTH_ERR', checks: [], monitors: [{ name: 'a', inQuorum: true }, { name: 'b', inQuorum: false }, { name: 'c', inQuorum: false }], osdsUp: null, osdsIn: 3, osdsTotal: null };
    const { rerender } = render(<CephPanel s={valid(s)} stale={false} />);
    expect(screen.getByTestId('ceph-health').className).toMatch(/text-red-800/);
    expect(screen.getByText('1 of 3 monitors in quorum').className).toMatch(/text-red-800/);
    expect(words(screen.getByTestId('ceph-monitors'))).toBe('1 of 3 monitors in quorum (b and c out)');
    expect(screen.getByTestId('ceph-osds')).toHaveTextContent('OSDs: ? up · 3 in · ? total');
    rerender(<CephPanel s={valid(s)} stale />);
    expect(screen.getByTestId('ceph-health').className).not.toMatch(/red/);
    expect(screen.getByText('last known')).toBeInTheDocument();
  });

  it('absent: no Ceph (null) or a sim snapshot renders nothing', () => {
    const s = pve();
    s.ceph = null;
    const { container, rerender } = render(<CephPanel s={valid(s)} stale={false} />);
    expect(container).toBeEmptyDOMElement();
    rerender(<CephPanel s={valid(pageSample('quorate').entry.snapshot)} stale={false} />);
    expect(container).toBeEmptyDOMElement();
  });
});
