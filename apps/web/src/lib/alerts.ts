// Telling someone who is not looking: a browser notification and, apart, a short beep when quorum is lost
// while the tab is in the background. Both off by default, both kept per browser (localStorage); the
// notification permission is asked only from the click that turns it on, never on page load.
import { useSyncExternalStore } from 'react';
import type { HealthState } from '@quorate/model';

export const NOTIFY_KEY = 'quorate-notify-quorum-lost';
export const SOUND_KEY = 'quorate-sound-quorum-lost';

export interface AlertPrefs {
  notify: boolean;
  sound: boolean;
}

const OFF: AlertPrefs = { notify: false, sound: false };
let prefs: AlertPrefs | null = null;
const listeners = new Set<() => void>();

function read(key: string): boolean {
  try {
    return localStorage.getItem(key) === 'on';
  } catch {
    return false;
  }
}

export function alertPrefs(): AlertPrefs {
  prefs ??= typeof localStorage === 'undefined' ? OFF : { notify: read(NOTIFY_KEY), sound: read(SOUND_KEY) };
  return prefs;
}

export function setAlertPref(which: keyof AlertPrefs, on: boolean): void {
  try {
    localStorage.setItem(which === 'notify' ? NOTIFY_KEY : SOUND_KEY, on ? 'on' : 'off');
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  prefs = { ...alertPrefs(), [which]: on };
  for (const l of listeners) l();
}

/** forget the cached choice (tests change localStorage underneath) */
export function reloadAlertPrefs(): void {
  prefs = null;
  for (const l of listeners) l();
}

export function useAlertPrefs(): AlertPrefs {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    alertPrefs,
    () => OFF,
  );
}

export type NotifyPermission = NotificationPermission | 'unsupported';

export function notifyPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/**
 * From the click on "Notify me when quorum is lost": ask the browser (it asks the user once; a refusal is
 * remembered by the browser), and turn the notification on only if allowed.
 */
export async function enableNotifications(): Promise<NotifyPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
  setAlertPref('notify', permission === 'granted');
  return permission;
}

/** only a change to lost while nobody looks: not the first state seen, not lost → lost, not a visible tab */
export function isLossToAlert(prev: HealthState | null, next: HealthState, hidden: boolean): boolean {
  return hidden && next === 'lost' && prev !== null && prev !== 'lost';
}

/** what the notification says */
export function lossMessage(clusterName: string, detail: string): { title: string; body: string } {
  return { title: `${clusterName || 'Cluster'}: quorum lost`, body: detail };
}

/** raise the alerts that are on; each one on its own, a failure of one does not stop the other */
export function raiseQuorumLost(clusterName: string, detail: string, icon: string): void {
  const p = alertPrefs();
  if (p.notify && notifyPermission() === 'granted') {
    try {
      const { title, body } = lossMessage(clusterName, detail);
      new Notification(title, { body, icon, tag: 'quorate-quorum-lost', requireInteraction: true });
    } catch {
      /* some browsers allow notifications only from a service worker */
    }
  }
  if (p.sound) beep();
}

/** two short tones (WebAudio, no audio file); silent where audio is not allowed */
export function beep(): void {
  try {
    const Ctx = window.AudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const t0 = ctx.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const at = t0 + i * 0.22;
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
      osc.connect(gain).connect(ctx.destination);
      osc.start(at);
      osc.stop(at + 0.2);
    }
    setTimeout(() => void ctx.close().catch(() => undefined), 800);
  } catch {
    /* no audio here */
  }
}
