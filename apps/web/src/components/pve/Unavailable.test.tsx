// @vitest-environment happy-dom
// What the source cannot see: one calm notice (the SSH half and the rest in words, the reasons in a
// disclosure, the way to SSH for admins), the links stand-in; nothing on a snapshot that sees everything.
import { render, screen, within } from '@testing-library/react';
import { createMemoryHistory, createRootRoute, createRouter, RouterProvider } from '@tanstack/react-router';
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '@quorate/model';
import { pageSample, valid } from '../../test/component';
import { LinksUnavailable, linksUnavailable, UnavailableNotice, unavailableSentences } from './Unavailable';

function pve(): ClusterSnapshot {
  return structuredClone(pageSample('pve').entry.snapshot);
}

/** in a router: the admin's link is a router Link */
async function notice(s: ClusterSnapshot, admin: boolean) {
  const root = createRootRoute({ component: () => <UnavailableNotice s={valid(s)} admin={admin} /> });
  const router = createRouter({ routeTree: root, history: createMemoryHistory({ initialEntries: ['/'] }) });
  const { container } = render(<RouterProvider router={router} />);
  await router.load();
  return container;
}

describe('UnavailableNotice', () => {
  it('pve without SSH: what it cannot see in one sentence, polling named, every reason in the disclosure; admins get the way to SSH', async () => {
    await notice(pve(), true);
    const region = await screen.findByRole('region', { name: 'What this view cannot see' });
    expect(region).toHaveTextContent(
      'Without SSH this view cannot see: Corosync links, exact quorum options and the early warning; quorum changes arrive by 2 s polling.',
    );
    const link = within(region).getByRole('link', { name: 'Add SSH to this cluster in Admin → Clusters' });
    expect(link).toHaveAttribute('href', '/admin#clusters-title');
    const why = within(region).getByTestId('unavailable-why');
    expect(within(why).getAllByRole('listitem')).toHaveLength(4);
    expect(why).toHaveTextContent('Corosync links: Corosync links (knet) are not in the Proxmox API');
    expect(why.closest('details')).not.toHaveAttribute('open');
  });

  it('not an admin: no link, who can add SSH said instead', async () => {
    await notice(pve(), false);
    const region = await screen.findByRole('region', { name: 'What this view cannot see' });
    expect(within(region).queryByRole('link')).not.toBeInTheDocument();
    expect(region).toHaveTextContent('An admin can add SSH to this cluster for these.');
  });

  it('absent or empty (sim, or pve with SSH that sees everything): no notice', async () => {
    const container = await notice(pageSample('quorate').entry.snapshot, true);
    expect(container.querySelector('[data-testid="unavailable"]')).toBeNull();
    const s = pve();
    s.unavailable = [];
    render(<UnavailableNotice s={valid(s)} admin={false} />);
    expect(screen.queryByTestId('unavailable')).not.toBeInTheDocument();
  });
});

describe('unavailableSentences', () => {
  it('what SSH would not fix is its own sentence; only those: no SSH hint', () => {
    expect(
      unavailableSentences([
        { what: 'links', why: 'needs SSH' },
        { what: 'ceph', why: '403' },
        { what: 'guests', why: 'VM.Audit' },
      ]),
    ).toEqual(['Without SSH this view cannot see: Corosync links.', 'It also cannot see: Ceph and guests.']);
    expect(unavailableSentences([{ what: 'storage', why: 'the Proxmox API does not answer' }])).toEqual(['This view cannot see: storage.']);
  });

  it('SSH configured but failing (the merge says so in the reasons): not "without SSH"', () => {
    expect(unavailableSentences([{ what: 'links', why: 'needs SSH (SSH is configured but: pve1: unreachable)' }, { what: 'push', why: 'needs SSH' }])).toEqual([
      'SSH is configured but not answering, so this view cannot see: Corosync links; quorum changes arrive by 2 s polling.',
    ]);
  });

  it('storage alone (API down, Corosync answering): no SSH link offered', () => {
    const s = pve();
    s.unavailable = [{ what: 'storage', why: 'the Proxmox API does not answer: storage, load and guests are unknown' }];
    render(<UnavailableNotice s={valid(s)} admin={false} />);
    expect(screen.getByTestId('unavailable')).toHaveTextContent('This view cannot see: storage.');
    expect(screen.queryByText(/add SSH/)).not.toBeInTheDocument();
  });
});

describe('LinksUnavailable', () => {
  it('pve without links and links unavailable: the stand-in says why; with links, or on sim, none', () => {
    const s = valid(pve());
    const why = linksUnavailable(s);
    expect(why?.what).toBe('links');
    render(<LinksUnavailable why={why!} />);
    expect(screen.getByRole('region', { name: 'Links' })).toHaveTextContent('Not visible here: the Proxmox API does not show Corosync’s links.');
    expect(linksUnavailable(valid(pageSample('quorate').entry.snapshot))).toBeNull();
    // SSH merged in: links are there, whatever a stale line says
    const withLinks = { ...s, links: pageSample('quorate').entry.snapshot.links };
    expect(linksUnavailable(withLinks)).toBeNull();
  });
});
