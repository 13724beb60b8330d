// @vitest-environment happy-dom
// A node's load, guests and version as the nodes panel shows them: figures in words, the full version and
// kernel in the title, "—" with the reason for what is not known (never 0), the compact tile's short form.
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { NodeResources } from '@quorate/model';
import { words } from '../../test/component';
import { GuestCountCompact, GuestsCell, hasResources, LoadCell, LoadCompact, VersionCell } from './NodeResources';

const GiB = 1024 ** 3;
const r: NodeResources = {
  cpu: 0.034,
  cpus: 16,
  memUsedBytes: 21.4 * GiB,
  memTotalBytes: 62.7 * GiB,
  uptimeS: 12 * 86_400 + 3 * 3600,
  pveVersion: 'pve-manager/8.2.4/faa83925',
  kernel: '6.8.12-1-pve',
  guests: { running: 3, stopped: 2, unknown: 0, haManaged: 1 },
  haLrm: 'active',
};
const offline: NodeResources = { cpu: null, cpus: null, memUsedBytes: null, memTotalBytes: null, uptimeS: null, pveVersion: null, kernel: null, guests: { running: 0, stopped: 0, unknown: 2, haManaged: 0 }, haLrm: null };

describe('NodeResources cells', () => {
  it('online: CPU of how many, memory in GiB, guests by state with HA, short version and uptime; full version and kernel in the title', () => {
    render(
      <>
        <LoadCell r={r} state="online" />
        <GuestsCell r={r} state="online" />
        <VersionCell r={r} state="online" />
      </>,
    );
    expect(words(screen.getByTestId('node-load'))).toBe('CPU 3% of 16 mem 21.4 / 62.7 GiB');
    expect(words(screen.getByTestId('node-guests'))).toBe('3 running · 2 stopped · 1 HA');
    const version = screen.getByTestId('node-version');
    expect(words(version)).toBe('PVE 8.2.4 up 12 d 3 h');
    expect(version).toHaveAttribute('title', 'pve-manager/8.2.4/faa83925 · kernel 6.8.12-1-pve');
  });

  it('offline: "—" with "node offline" for the load, its guests of unknown state, no 0 anywhere', () => {
    const { container } = render(
      <>
        <LoadCell r={offline} state="offline" />
        <GuestsCell r={offline} state="offline" />
        <VersionCell r={offline} state="offline" />
      </>,
    );
    expect(container).toHaveTextContent('— node offline');
    expect(words(screen.getByTestId('node-guests'))).toBe('2 unknown (node offline)');
    expect(screen.queryByTestId('node-version')).not.toBeInTheDocument();
    expect(container.textContent).not.toMatch(/\b0(%| GiB)/);
  });

  it('guests not readable on an online node: "—" and why (VM.Audit)', () => {
    render(<GuestsCell r={{ ...r, guests: null }} state="online" />);
    expect(screen.getByText('not readable (VM.Audit)')).toBeInTheDocument();
  });

  it('compact: CPU and memory in percent (busy in bold), the guest count with the states in the title', () => {
    render(
      <>
        <LoadCompact r={{ ...r, cpu: 0.93 }} state="online" />
        <GuestCountCompact r={r} />
      </>,
    );
    expect(words(screen.getByTestId('node-load'))).toBe('CPU 93% mem 34%');
    expect(screen.getByText('CPU 93%').className).toMatch(/font-semibold/);
    expect(screen.getByText('mem 34%').className).not.toMatch(/font-semibold/);
    expect(screen.getByTestId('node-load')).toHaveAttribute('title', 'CPU 93% of 16 · memory 21.4 / 62.7 GiB · PVE 8.2.4 · up 12 d 3 h');
    expect(screen.getByTestId('node-guests')).toHaveTextContent('5 guests');
    expect(screen.getByTestId('node-guests')).toHaveAttribute('title', '3 running · 2 stopped · 1 HA');
  });

  it('compact offline: "—" and why; guests not known: no count', () => {
    const { container } = render(
      <>
        <LoadCompact r={offline} state="offline" />
        <GuestCountCompact r={{ ...offline, guests: null }} />
      </>,
    );
    expect(screen.getByTestId('node-load')).toHaveTextContent('— node offline');
    expect(container.querySelector('[data-testid="node-guests"]')).toBeNull();
  });

  it('hasResources: only when some node carries them (sim/lab/ssh nodes do not)', () => {
    expect(hasResources([{}, {}])).toBe(false);
    expect(hasResources([{}, { resources: r }])).toBe(true);
  });
});
