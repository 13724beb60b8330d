// @vitest-environment happy-dom
// The cluster switcher with 40 clusters: the button names the current one and its state; typing filters by
// name or id; arrows move, Enter chooses, Escape closes and gives the focus back; each state is a shape and
// a word, not colour alone; the ARIA combobox/listbox wiring a screen reader follows; Tab reaches the link
// under the list ("All clusters"), and a press on it closes the popover.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ClusterList } from '@quorate/model';
import '../test/component';
import { ClusterSwitcher } from './ClusterSwitcher';

const HEALTH = ['healthy', 'degraded', 'lost', 'unknown'] as const;
const CLUSTERS: ClusterList['clusters'] = Array.from({ length: 40 }, (_, i) => ({
  id: `site-${String(i).padStart(2, '0')}`,
  name: i === 17 ? 'Frankfurt edge' : `Site ${i}`,
  source: 'pve',
  default: i === 0,
  origin: 'runtime' as const,
  capabilities: [],
  state: { health: HEALTH[i % 4]!, source: 'ok' as const },
}));

function setup(current = 'site-00') {
  const onSelect = vi.fn();
  render(<ClusterSwitcher clusters={CLUSTERS} clusterId={current} onSelect={onSelect} />);
  return { onSelect, user: userEvent.setup() };
}

describe('ClusterSwitcher', () => {
  it('names the current cluster and its state; opens a listbox of all 40 with the current one selected', async () => {
    const { user } = setup('site-01');
    const button = screen.getByTestId('cluster-select');
    expect(button).toHaveAccessibleName('Cluster: Site 1, degraded. 40 clusters: switch');
    expect(button).toHaveAttribute('aria-expanded', 'false');
    await user.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    const search = screen.getByRole('combobox', { name: 'Find a cluster by name or id' });
    expect(search).toHaveFocus();
    const list = screen.getByRole('listbox', { name: 'Clusters' });
    expect(search).toHaveAttribute('aria-controls', list.id);
    const options = within(list).getAllByRole('option');
    expect(options).toHaveLength(40);
    expect(options.filter((o) => o.getAttribute('aria-selected') === 'true').map((o) => o.dataset.testid)).toEqual(['cluster-option-site-01']);
    // the current one is active first; the state is a shape with a word
    expect(search).toHaveAttribute('aria-activedescendant', options[1]!.id);
    expect(options[2]).toHaveTextContent(/✕.*quorum lost/);
    expect(options[3]).toHaveTextContent(/\?.*unknown/);
  });

  it('filters by name or id as you type; arrows and Enter choose; the choice closes the list', async () => {
    const { user, onSelect } = setup();
    await user.click(screen.getByTestId('cluster-select'));
    await user.keyboard('frank');
    expect(screen.getAllByRole('option').map((o) => o.dataset.testid)).toEqual(['cluster-option-site-17']);
    await user.keyboard('{Enter}');
    expect(onSelect).toHaveBeenCalledWith('site-17');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(screen.getByTestId('cluster-select')).toHaveFocus();

    await user.click(screen.getByTestId('cluster-select'));
    await user.keyboard('site-3');
    const shown = screen.getAllByRole('option');
    expect(shown.map((o) => o.dataset.testid)).toEqual(['site-30', 'site-31', 'site-32', 'site-33', 'site-34', 'site-35', 'site-36', 'site-37', 'site-38', 'site-39'].map((id) => `cluster-option-${id}`));
    expect(screen.getByText('10 of 40 clusters match')).toBeInTheDocument();
    await user.keyboard('{ArrowDown}{ArrowDown}{ArrowUp}{ArrowDown}');
    expect(screen.getByRole('combobox')).toHaveAttribute('aria-activedescendant', shown[2]!.id);
    await user.keyboard('{Enter}');
    expect(onSelect).toHaveBeenLastCalledWith('site-32');
  });

  it('Escape closes without choosing; no match says so; a click on an option chooses it', async () => {
    const { user, onSelect } = setup();
    await user.click(screen.getByTestId('cluster-select'));
    await user.keyboard('nothing-like-this');
    expect(screen.queryAllByRole('option')).toHaveLength(0);
    expect(screen.getByText('No cluster matches “nothing-like-this”.')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(screen.getByTestId('cluster-select')).toHaveFocus();
    expect(onSelect).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('cluster-select'));
    // the filter starts empty again
    expect(screen.getAllByRole('option')).toHaveLength(40);
    await user.click(screen.getByTestId('cluster-option-site-05'));
    expect(onSelect).toHaveBeenCalledWith('site-05');
  });

  it('the footer link ("All clusters"): Tab from the search reaches it, Escape goes back to the button, a press closes the list', async () => {
    const onAll = vi.fn();
    render(
      <ClusterSwitcher
        clusters={CLUSTERS}
        clusterId="site-00"
        onSelect={vi.fn()}
        footer={
          <a href="/clusters" onClick={(e) => (e.preventDefault(), onAll())}>
            All clusters
          </a>
        }
      />,
    );
    const user = userEvent.setup();
    await user.click(screen.getByTestId('cluster-select'));
    await user.keyboard('{Tab}');
    const link = screen.getByRole('link', { name: 'All clusters' });
    expect(link).toHaveFocus();
    expect(screen.getByRole('listbox')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(screen.getByTestId('cluster-select')).toHaveFocus();

    await user.click(screen.getByTestId('cluster-select'));
    await user.click(screen.getByRole('link', { name: 'All clusters' }));
    expect(onAll).toHaveBeenCalledOnce();
    expect(screen.queryByRole('listbox')).toBeNull();
  });
});
