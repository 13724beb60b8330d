// @vitest-environment happy-dom
// The HA panel: the manager's quorum and master, fencing in red, each node's LRM (dead in amber), services in
// trouble listed with their state; nothing at all without HA (sim snapshots, pve clusters without HA).
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '@quorate/model';
import { pageSample, valid, words } from '../../test/component';
import HaPanel from './HaPanel';

function pve(): ClusterSnapshot {
  return structuredClone(pageSample('pve').entry.snapshot);
}

describe('HaPanel', () => {
  it('quorate manager and its master; pve3 fenced in red; its dead LRM in amber; the error and fence services listed', () => {
    render(<HaPanel s={valid(pve())} stale={false} />);
    const region = screen.getByRole('region', { name: 'High availability' });
    expect(words(within(region).getByTestId('ha-manager'))).toBe('HA manager: quorate · master pve1');
    const fencing = within(region).getByTestId('ha-fencing');
    expect(fencing).toHaveTextContent('Fencing pve3');
    expect(fencing.className).toMatch(/text-red-800/);
    expect(words(within(region).getByTestId('ha-lrms'))).toBe('pve1 active pve2 idle pve3 old timestamp - dead?');
    expect(within(region).getByTestId('ha-lrm-pve3').className).toMatch(/text-amber-800/);
    expect(within(region).getByTestId('ha-lrm-pve1').className).not.toMatch(/amber/);
    expect(words(within(region).getByTestId('ha-trouble'))).toBe('vm:101 on pve3 — fence ct:200 on pve2 — error');
    expect(within(region).getByTestId('ha-service-ct:200').className).toMatch(/text-red-800/);
    expect(within(region).getByTestId('ha-service-vm:101').className).toMatch(/text-amber-800/);
    expect(within(region).getByText(/3 services: 1 started · 1 fence · 1 error/)).toBeInTheDocument();
    // the started one only in the full list
    expect(within(region).queryByTestId('ha-service-vm:100')).not.toBeInTheDocument();
    expect(within(region).getByText('all services')).toBeInTheDocument();
  });

  it('a manager without quorum says so in red; nothing fenced, no LRMs known, no services: no such lines', () => {
    const s = pve();
    s.ha = { quorate: false, master: null, services: [], fencing: [] };
    for (const n of s.nodes) if (n.resources) n.resources.haLrm = null;
    render(<HaPanel s={valid(s)} stale={false} />);
    expect(words(screen.getByTestId('ha-manager'))).toBe('HA manager: not quorate · master none');
    expect(screen.queryByTestId('ha-fencing')).not.toBeInTheDocument();
    expect(screen.queryByTestId('ha-lrms')).not.toBeInTheDocument();
    expect(screen.getByText(/\(none\)/)).toBeInTheDocument();
    expect(screen.queryByText('all services')).not.toBeInTheDocument();
  });

  it('absent: no HA (null) or a sim snapshot (no field) renders nothing', () => {
    const s = pve();
    s.ha = null;
    const { container, rerender } = render(<HaPanel s={valid(s)} stale={false} />);
    expect(container).toBeEmptyDOMElement();
    rerender(<HaPanel s={valid(pageSample('quorate').entry.snapshot)} stale={false} />);
    expect(container).toBeEmptyDOMElement();
  });
});
