// @vitest-environment happy-dom
// The tab follows the cluster's health (title and icon), and a change to lost in a background tab raises
// the notification that was turned on; a visible tab, or no change, raises nothing.
import { render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { entryOf, pageSample } from '../test/component';
import { setConnection } from '../live/connection';
import { NOTIFY_KEY, reloadAlertPrefs } from '../lib/alerts';
import type { SnapshotEntry } from '../live/cache';
import HealthSignals from './HealthSignals';

const shown: string[] = [];
class FakeNotification {
  static permission: NotificationPermission = 'granted';
  static requestPermission = async () => 'granted' as const;
  constructor(title: string, options?: NotificationOptions) {
    shown.push(`${title} | ${options?.body ?? ''}`);
  }
}

function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
}

const sample = (name: Parameters<typeof pageSample>[0]): SnapshotEntry => entryOf(pageSample(name).entry.snapshot);
const icon = () => document.querySelector<HTMLLinkElement>('link[rel="icon"]');

beforeEach(() => {
  shown.length = 0;
  vi.stubGlobal('Notification', FakeNotification);
  localStorage.clear();
  localStorage.setItem(NOTIFY_KEY, 'on');
  reloadAlertPrefs();
  setConnection({ status: 'live' });
  setHidden(false);
});
afterEach(() => {
  vi.unstubAllGlobals();
  setHidden(false);
});

describe('HealthSignals', () => {
  it('title and icon follow the state', () => {
    const view = render(<HealthSignals clusterId="lab" entry={sample('degraded')} listName="lab" />);
    expect(document.title).toBe('● DEGRADED — lab-cluster — Quorate');
    expect(icon()?.dataset.state).toBe('degraded');
    view.rerender(<HealthSignals clusterId="lab" entry={sample('quorate')} listName="lab" />);
    expect(document.title).toBe('● HEALTHY — lab-cluster — Quorate');
    expect(icon()?.dataset.state).toBe('healthy');
    view.rerender(<HealthSignals clusterId="lab" entry={sample('unknown')} listName="lab" />);
    expect(document.title).toBe('● UNKNOWN — lab-cluster — Quorate');
    expect(icon()?.dataset.state).toBe('unknown');
  });

  it('no snapshot yet: the listed name, the neutral icon', () => {
    render(<HealthSignals clusterId="lab" entry={undefined} listName="Production" />);
    expect(document.title).toBe('Production — Quorate');
    expect(icon()?.dataset.state).toBeUndefined();
  });

  it('not live: a healthy cluster is not shown green', () => {
    const entry = sample('quorate'); // (seeding a sample sets the connection live)
    setConnection({ status: 'reconnecting' });
    render(<HealthSignals clusterId="lab" entry={entry} listName="lab" />);
    expect(icon()?.dataset.state).toBe('unknown');
  });

  it('quorum lost in a background tab: one notification; the same state again raises none', () => {
    const view = render(<HealthSignals clusterId="lab" entry={sample('degraded')} listName="lab" />);
    setHidden(true);
    view.rerender(<HealthSignals clusterId="lab" entry={sample('lost')} listName="lab" />);
    expect(document.title).toBe('● QUORUM LOST — lab-cluster — Quorate');
    expect(shown).toEqual(['lab-cluster: quorum lost | 1 of 3 votes, 2 needed (missing pve2, pve3)']);
    view.rerender(<HealthSignals clusterId="lab" entry={sample('lost')} listName="lab" />);
    expect(shown).toHaveLength(1);
  });

  it('quorum lost while the tab is looked at, or already lost when the page opened: no notification', () => {
    const view = render(<HealthSignals clusterId="lab" entry={sample('quorate')} listName="lab" />);
    view.rerender(<HealthSignals clusterId="lab" entry={sample('lost')} listName="lab" />);
    view.unmount();
    setHidden(true);
    render(<HealthSignals clusterId="lab" entry={sample('lost')} listName="lab" />);
    expect(shown).toEqual([]);
  });

  it('the notification turned off (the default): nothing', () => {
    localStorage.clear();
    reloadAlertPrefs();
    const view = render(<HealthSignals clusterId="lab" entry={sample('quorate')} listName="lab" />);
    setHidden(true);
    view.rerender(<HealthSignals clusterId="lab" entry={sample('lost')} listName="lab" />);
    expect(shown).toEqual([]);
  });
});
