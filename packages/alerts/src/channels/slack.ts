// Slack-compatible incoming webhooks: Slack (https://api.slack.com/messaging/webhooks), Mattermost
// (https://developers.mattermost.com/integrate/webhooks/incoming/) and Rocket.Chat (incoming integrations) all
// take a POST of JSON with `text`. `text` always carries the whole message (Mattermost and Rocket.Chat render
// it; Slack uses it for the notification when blocks are present). Slack's blocks add a header (plain_text,
// ≤ 150 characters) and a section (mrkdwn, ≤ 3000). In text and mrkdwn, &, < and > must be escaped
// (https://api.slack.com/reference/surfaces/formatting#escaping) — which also keeps "<!channel>" in a node
// name from pinging anyone. Slack truncates text past 40,000 characters and advises ≤ 4,000; so do we.
// Slack answers 200 "ok" or an error word (400 invalid_payload, 403 action_prohibited, 404 no_service …);
// Rocket.Chat answers JSON {success}.
import type { Notification } from '@quorate/model';
import { JSON_HEADERS, post, verdict } from '../http';
import { clip, escapeHtml, oneLine, secretsOf } from '../text';
import { failed, guarded, type Sender } from '../types';

export const SLACK_MAX_TEXT = 4_000;
export const SLACK_MAX_HEADER = 150;
export const SLACK_MAX_SECTION = 3_000;

const mark = (n: Notification): string => (n.kind === 'closed' ? ':white_check_mark:' : n.severity === 'critical' ? ':rotating_light:' : n.severity === 'warning' ? ':warning:' : ':information_source:');

export function slackPayload(n: Notification): Record<string, unknown> {
  const link = n.url ? `\n<${escapeHtml(n.url)}|Open in Quorate>` : '';
  const text = clip(`${mark(n)} *${escapeHtml(n.title)}*\n${escapeHtml(n.body)}`, SLACK_MAX_TEXT - link.length) + link;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(n.title, SLACK_MAX_HEADER), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(escapeHtml(n.body || n.title), SLACK_MAX_SECTION) } },
  ];
  if (n.url) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${escapeHtml(n.url)}|Open in Quorate>` }] });
  return { text, blocks };
}

export const sendSlack: Sender<'slack'> = (config, n, opts) => {
  const secrets = secretsOf('slack', config);
  return guarded(secrets, async () => {
    const outcome = await post({ url: config.url, headers: { ...JSON_HEADERS }, body: JSON.stringify(slackPayload(n)) }, opts);
    return verdict(config.url, outcome, secrets, (reply) => {
      // Rocket.Chat: 200 with {success: false, error}
      try {
        const j = JSON.parse(reply.body) as { success?: unknown; error?: unknown };
        if (j.success === false) return failed(`refused: ${oneLine(typeof j.error === 'string' ? j.error : 'success: false')}`, reply.status);
      } catch {
        /* Slack's "ok" */
      }
      return null;
    });
  });
};
