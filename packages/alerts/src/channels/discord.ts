// Discord: https://discord.com/developers/docs/resources/webhook#execute-webhook — POST the webhook URL with
// JSON {content or embeds}; `?wait=true` makes Discord confirm the message was saved (without it, "a message
// that is not saved does not return an error"). Limits
// (https://discord.com/developers/docs/resources/message#embed-object-embed-limits): content ≤ 2000, embed
// title ≤ 256, description ≤ 4096, footer ≤ 2048, all embeds ≤ 6000 together. `allowed_mentions: {parse: []}`
// so that text from the cluster never pings @everyone or a role. A 429 carries retry_after (seconds).
import type { Notification, Severity } from '@quorate/model';
import { JSON_HEADERS, post, verdict } from '../http';
import { clip, secretsOf } from '../text';
import { guarded, type Sender } from '../types';

export const DISCORD_MAX_TITLE = 256;
export const DISCORD_MAX_DESCRIPTION = 4_096;
export const DISCORD_MAX_FOOTER = 2_048;

const COLOR: Record<Severity, number> = { critical: 0xdc2626, warning: 0xf59e0b, info: 0x3b82f6 };
const RESOLVED = 0x16a34a;

export function discordPayload(n: Notification): Record<string, unknown> {
  const embed: Record<string, unknown> = {
    title: clip(n.title, DISCORD_MAX_TITLE),
    description: clip(n.body || n.title, DISCORD_MAX_DESCRIPTION),
    color: n.kind === 'closed' ? RESOLVED : COLOR[n.severity],
    timestamp: new Date(n.at).toISOString(),
    footer: { text: clip(n.clusterName ?? n.clusterId ?? 'Quorate', 100) },
  };
  if (n.url) embed.url = n.url;
  return { username: 'Quorate', allowed_mentions: { parse: [] }, embeds: [embed] };
}

/** the webhook URL with wait=true, keeping its other parameters (thread_id) */
export function discordUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('wait', 'true');
  return u.href;
}

export const sendDiscord: Sender<'discord'> = (config, n, opts) => {
  const secrets = secretsOf('discord', config);
  return guarded(secrets, async () => {
    const url = discordUrl(config.url);
    const outcome = await post({ url, headers: { ...JSON_HEADERS }, body: JSON.stringify(discordPayload(n)) }, opts);
    const result = verdict(url, outcome, secrets);
    if ('reply' in outcome && outcome.reply.status === 429) {
      try {
        const j = JSON.parse(outcome.reply.body) as { retry_after?: unknown };
        if (typeof j.retry_after === 'number') return { ...result, detail: `${result.detail} (retry after ${j.retry_after} s)` };
      } catch {
        /* no hint */
      }
    }
    return result;
  });
};
