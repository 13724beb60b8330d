// The dead-man's switch: Quorate pings a URL the admin gives (a healthchecks-style service: Healthchecks.io,
// Uptime Kuma's push monitor, Cronitor) every interval, so the admin learns when Quorate itself is down —
// the one alert Quorate cannot send. A POST with a short text body: Healthchecks.io and Uptime Kuma's push
// URLs accept POST as well as GET (https://healthchecks.io/docs/http_api/). The URL is a secret (it holds
// the check's key): a result's detail names its origin only.
import type { SendResult } from '@quorate/model';
import { post, verdict } from './http';
import { guarded, type SendOptions } from './types';

export async function pingDeadman(url: string, opts: SendOptions): Promise<SendResult> {
  const secrets = [url, new URL(url).pathname].filter((s) => s.length > 1);
  return guarded(secrets, async () => verdict(url, await post({ url, headers: { 'content-type': 'text/plain; charset=utf-8', 'user-agent': 'Quorate-Alerts/1' }, body: 'Quorate is running' }, opts), secrets));
}
