// @vitest-environment happy-dom
// Quorum-lost alerts: off by default, kept per browser, the permission asked only when turned on, and
// raised only on a change to lost while the tab is in the background.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alertPrefs, enableNotifications, isLossToAlert, lossMessage, NOTIFY_KEY, raiseQuorumLost, reloadAlertPrefs, setAlertPref, SOUND_KEY } from './alerts';

class FakeNotification {
  static permission: NotificationPermission = 'default';
  static requestPermission = vi.fn(async () => FakeNotification.answer);
  static answer: NotificationPermission = 'granted';
  static shown: { title: string; options?: NotificationOptions }[] = [];
  constructor(title: string, options?: NotificationOptions) {
    FakeNotification.shown.push({ title, options });
  }
}

beforeEach(() => {
  localStorage.clear();
  reloadAlertPrefs();
  FakeNotification.permission = 'default';
  FakeNotification.answer = 'granted';
  FakeNotification.shown = [];
  FakeNotification.requestPermission.mockClear();
  vi.stubGlobal('Notification', FakeNotification);
});
afterEach(() => vi.unstubAllGlobals());

describe('alert preferences', () => {
  it('are off by default', () => {
    expect(alertPrefs()).toEqual({ notify: false, sound: false });
  });
  it('are kept in localStorage', () => {
    setAlertPref('sound', true);
    expect(localStorage.getItem(SOUND_KEY)).toBe('on');
    reloadAlertPrefs();
    expect(alertPrefs()).toEqual({ notify: false, sound: true });
  });
});

describe('enableNotifications', () => {
  it('asks the browser once, and turns on only when allowed', async () => {
    expect(await enableNotifications()).toBe('granted');
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
    expect(localStorage.getItem(NOTIFY_KEY)).toBe('on');
    expect(alertPrefs().notify).toBe(true);
  });
  it('refused: stays off, and a browser that already said no is not asked again', async () => {
    FakeNotification.answer = 'denied';
    expect(await enableNotifications()).toBe('denied');
    expect(alertPrefs().notify).toBe(false);
    FakeNotification.permission = 'denied';
    expect(await enableNotifications()).toBe('denied');
    expect(FakeNotification.requestPermission).toHaveBeenCalledTimes(1);
  });
  it('no Notification API: unsupported', async () => {
    vi.stubGlobal('Notification', undefined);
    expect(await enableNotifications()).toBe('unsupported');
    expect(alertPrefs().notify).toBe(false);
  });
});

describe('isLossToAlert', () => {
  it('only a change to lost while the tab is hidden', () => {
    expect(isLossToAlert('healthy', 'lost', true)).toBe(true);
    expect(isLossToAlert('degraded', 'lost', true)).toBe(true);
    expect(isLossToAlert('unknown', 'lost', true)).toBe(true);
    expect(isLossToAlert('healthy', 'lost', false)).toBe(false); // someone is looking at the page
    expect(isLossToAlert('lost', 'lost', true)).toBe(false); // no change
    expect(isLossToAlert(null, 'lost', true)).toBe(false); // the first state seen is no change
    expect(isLossToAlert('healthy', 'degraded', true)).toBe(false);
  });
});

describe('raiseQuorumLost', () => {
  it('shows nothing while the notification is off', () => {
    FakeNotification.permission = 'granted';
    raiseQuorumLost('lab-cluster', '1 of 3 votes, 2 needed', 'data:x');
    expect(FakeNotification.shown).toEqual([]);
  });
  it('on and allowed: one notification naming the cluster and the votes', async () => {
    await enableNotifications();
    FakeNotification.permission = 'granted';
    raiseQuorumLost('lab-cluster', '1 of 3 votes, 2 needed (missing pve2, pve3)', 'data:x');
    expect(FakeNotification.shown).toHaveLength(1);
    expect(FakeNotification.shown[0]!.title).toBe('lab-cluster: quorum lost');
    expect(FakeNotification.shown[0]!.options).toMatchObject({ body: '1 of 3 votes, 2 needed (missing pve2, pve3)', tag: 'quorate-quorum-lost', icon: 'data:x' });
  });
  it('on, but the permission was withdrawn since: nothing', async () => {
    await enableNotifications();
    FakeNotification.permission = 'denied';
    raiseQuorumLost('lab-cluster', '', 'data:x');
    expect(FakeNotification.shown).toEqual([]);
  });
  it('a cluster without a name is still named', () => {
    expect(lossMessage('', 'x').title).toBe('Cluster: quorum lost');
  });
});
