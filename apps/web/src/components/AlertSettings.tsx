// "Notify me when quorum is lost" and "play a sound": per browser, off by default. Turning the notification
// on is the one place the page asks for the browser's permission (a click, never on load).
import { useState } from 'react';
import { beep, enableNotifications, notifyPermission, setAlertPref, useAlertPrefs, type NotifyPermission } from '../lib/alerts';
import { Field } from './form';

const NOTE: Partial<Record<NotifyPermission, string>> = {
  denied: 'The browser blocks notifications for this page: allow them in its site settings, then turn this on again.',
  unsupported: 'This browser cannot show notifications.',
};

export function AlertSettings() {
  const prefs = useAlertPrefs();
  const [permission, setPermission] = useState<NotifyPermission>(notifyPermission);
  const [asking, setAsking] = useState(false);
  // on here, but the permission was withdrawn in the browser since: it is off in effect
  const notifyOn = prefs.notify && permission === 'granted';

  const toggleNotify = async (on: boolean) => {
    if (!on) {
      setAlertPref('notify', false);
      return;
    }
    setAsking(true);
    try {
      setPermission(await enableNotifications());
    } finally {
      setAsking(false);
    }
  };
  const toggleSound = (on: boolean) => {
    setAlertPref('sound', on);
    if (on) beep(); // what it will sound like (and the click lets the browser play audio later)
  };

  return (
    <section aria-labelledby="alerts-title" className="panel" data-testid="alert-settings">
      <h2 id="alerts-title" className="panel-title">
        Alerts in this browser
      </h2>
      <div className="flex flex-col gap-2">
        <Field
          layout="check"
          label="Notify me when quorum is lost"
          hint="A browser notification while this tab is in the background."
          error={prefs.notify || asking ? undefined : NOTE[permission]}
        >
          <input
            type="checkbox"
            className="mt-1 size-4"
            checked={notifyOn}
            disabled={asking || permission === 'unsupported'}
            onChange={(e) => void toggleNotify(e.target.checked)}
            data-testid="alert-notify"
          />
        </Field>
        <Field layout="check" label="Play a sound when quorum is lost" hint="A short beep, while this tab is in the background.">
          <input
            type="checkbox"
            className="mt-1 size-4"
            checked={prefs.sound}
            onChange={(e) => toggleSound(e.target.checked)}
            data-testid="alert-sound"
          />
        </Field>
      </div>
    </section>
  );
}
