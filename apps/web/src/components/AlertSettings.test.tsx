// @vitest-environment happy-dom
// "Notify me when quorum is lost": off by default; the browser is asked only by the click that turns it
// on; a refusal leaves it off and says how to allow it. The sound: off by default, kept when turned on.
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import '../test/component';
import { NOTIFY_KEY, reloadAlertPrefs, SOUND_KEY } from '../lib/alerts';
import { AlertSettings } from './AlertSettings';

const requestPermission = vi.fn<() => Promise<NotificationPermission>>();
class FakeNotification {
  static permission: NotificationPermission = 'default';
  static requestPermission = requestPermission;
}

beforeEach(() => {
  localStorage.clear();
  reloadAlertPrefs();
  FakeNotification.permission = 'default';
  requestPermission.mockReset();
  vi.stubGlobal('Notification', FakeNotification);
});
afterEach(() => vi.unstubAllGlobals());

const notify = () => screen.getByRole('checkbox', { name: 'Notify me when quorum is lost' });
const sound = () => screen.getByRole('checkbox', { name: 'Play a sound when quorum is lost' });

describe('AlertSettings', () => {
  it('both off by default, and nothing asked on render', () => {
    render(<AlertSettings />);
    expect(notify()).not.toBeChecked();
    expect(sound()).not.toBeChecked();
    expect(requestPermission).not.toHaveBeenCalled();
  });

  it('the click asks the browser; allowed: on, and kept', async () => {
    requestPermission.mockImplementation(async () => {
      FakeNotification.permission = 'granted';
      return 'granted';
    });
    render(<AlertSettings />);
    await userEvent.click(notify());
    expect(requestPermission).toHaveBeenCalledTimes(1);
    expect(notify()).toBeChecked();
    expect(localStorage.getItem(NOTIFY_KEY)).toBe('on');
    await userEvent.click(notify());
    expect(notify()).not.toBeChecked();
    expect(localStorage.getItem(NOTIFY_KEY)).toBe('off');
  });

  it('refused: stays off and says how to allow it', async () => {
    requestPermission.mockImplementation(async () => {
      FakeNotification.permission = 'denied';
      return 'denied';
    });
    render(<AlertSettings />);
    await userEvent.click(notify());
    expect(notify()).not.toBeChecked();
    expect(screen.getByText(/The browser blocks notifications for this page/)).toBeInTheDocument();
  });

  it('the sound is kept when turned on', async () => {
    render(<AlertSettings />);
    await userEvent.click(sound());
    expect(sound()).toBeChecked();
    expect(localStorage.getItem(SOUND_KEY)).toBe('on');
  });
});
