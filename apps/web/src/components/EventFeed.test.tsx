// @vitest-environment happy-dom
// The feed: one entry per incident (its events inside, its duration), events of no incident beside them,
// open incidents first.
import type { ReactNode } from 'react';
import { render as rtlRender, screen, within } from '@testing-library/react';
import { createMemoryHistory, createRootRoute, createRouter, RouterProvider } from '@tanstack/react-router';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Incident, type ClusterEvent } from '@quorate/model';
import { frozenClock } from '../test/component';
import { EventFeed, feedEntries } from './EventFeed';

const T = Date.parse('2025-11-25T21:41:07Z');
frozenClock(T);

/** the feed links to the history: a router around it */
function render(ui: ReactNode) {
  const router = createRouter({ routeTree: createRootRoute({ component: () => ui }), history: createMemoryHistory() });
  return rtlRender(<RouterProvider router={router} />);
}

const ev = (seq: number, message: string, type: ClusterEvent['body']['type'] = 'link-down', at = T - 8_000): ClusterEvent =>
  ({ seq, clusterId: 'lab', at, severity: 'warning', message, body: { type, from: 1, to: 7, link: 0, fromName: 'pve1', toName: 'pve7' } }) as ClusterEvent;

const crash = (seqs: number[], endedAt: number | null): Incident =>
  Incident.parse({
    id: `lab:${seqs[0]}`,
    clusterId: 'lab',
    cause: 'node-left',
    subject: 'pve7',
    title: 'pve7 unreachable from all 15 peers on both links',
    startedAt: T - 8_000,
    endedAt,
    severity: 'warning',
    eventSeqs: seqs,
    eventCount: seqs.length,
    affected: ['pve7'],
    related: [],
  });

describe('EventFeed', () => {
  it('one crash: 31 events, one entry that opens to them; an unrelated event stays on its own', async () => {
    const links = Array.from({ length: 30 }, (_, i) => ev(i + 2, `link0 pve${i % 15}–pve7 down`));
    const events = [ev(40, 'expected votes changed', 'expected-votes-changed', T - 1_000), ...links.reverse(), ev(1, 'pve7 unreachable on every link', 'node-unreachable-warning', T - 9_000)];
    const incident = crash([1, ...links.map((e) => e.seq)], null);
    expect(feedEntries(events, [incident]).map((e) => e.kind)).toEqual(['incident', 'event']);

    render(<EventFeed events={events} incidents={[incident]} loading={false} error={null} />);
    const entry = await screen.findByTestId('incident');
    expect(entry).toHaveAttribute('data-open', 'true');
    expect(entry).toHaveTextContent('pve7 unreachable from all 15 peers on both links — 8 s');
    expect(entry).toHaveTextContent('ongoing');
    expect(entry).toHaveTextContent('(31 events)');
    const feed = screen.getByRole('list', { name: 'newest first' });
    // two top-level entries: the incident and the unrelated event
    expect(within(feed).getAllByRole('listitem').filter((li) => li.parentElement === feed)).toHaveLength(2);
    await userEvent.setup().click(within(entry).getByText(/pve7 unreachable from all 15 peers/));
    expect(within(entry).getByRole('list', { name: /events of: pve7/ }).querySelectorAll('li')).toHaveLength(31);
  });

  it('a closed incident shows how long it lasted, and the events not loaded are pointed to the history', async () => {
    const incident = { ...crash([5, 6], T - 2_000), eventCount: 40 };
    render(<EventFeed events={[ev(6, 'link0 pve1–pve7 up', 'link-up', T - 2_000), ev(5, 'link0 pve1–pve7 down')]} incidents={[incident]} loading={false} error={null} />);
    const entry = await screen.findByTestId('incident');
    expect(entry).toHaveAttribute('data-open', 'false');
    expect(entry).toHaveTextContent('— 6 s');
    expect(entry).not.toHaveTextContent('ongoing');
    expect(entry).toHaveTextContent('38 more in the history');
  });

  it('open incidents lead, then newest first', () => {
    const old = crash([1], null);
    const recent = { ...crash([9], T - 100), id: 'lab:9', startedAt: T - 500 };
    const order = feedEntries([ev(20, 'x', 'expected-votes-changed', T)], [recent, old]).map((e) => (e.kind === 'incident' ? e.incident.id : `e${e.event.seq}`));
    expect(order).toEqual(['lab:1', 'e20', 'lab:9']);
  });
});
