// Microsoft Teams, Workflows: https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using
// — a "Post to a channel when a webhook request is received" flow takes a POST of
// {type: "message", attachments: [{contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null,
// content: <Adaptive Card>}]}; Workflows accept Adaptive Cards only (not the old MessageCard). The card is
// version 1.4 (https://adaptivecards.io/explorer/AdaptiveCard.html): TextBlocks that wrap, a FactSet, an
// Action.OpenUrl to the dashboard. The flow answers 202 Accepted; its URL (with sig=) is the secret.
import type { Notification } from '@quorate/model';
import { JSON_HEADERS, post, verdict } from '../http';
import { clip, secretsOf } from '../text';
import { guarded, type Sender } from '../types';

export const ADAPTIVE_CARD_VERSION = '1.4';
export const TEAMS_MAX_TEXT = 4_000;

const colorOf = (n: Notification): string => (n.kind === 'closed' ? 'Good' : n.severity === 'critical' ? 'Attention' : n.severity === 'warning' ? 'Warning' : 'Default');

export function teamsPayload(n: Notification): Record<string, unknown> {
  const facts: { title: string; value: string }[] = [];
  if (n.clusterName ?? n.clusterId) facts.push({ title: 'Cluster', value: (n.clusterName ?? n.clusterId) as string });
  facts.push({ title: 'Severity', value: n.severity });
  if (n.startedAt !== null) facts.push({ title: 'Since', value: new Date(n.startedAt).toISOString() });
  if (n.durationMs !== null) facts.push({ title: 'Lasted', value: `${Math.round(n.durationMs / 1000)} s` });
  const card: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: ADAPTIVE_CARD_VERSION,
    msteams: { width: 'Full' },
    body: [
      { type: 'TextBlock', text: clip(n.title, 250), weight: 'Bolder', size: 'Medium', color: colorOf(n), wrap: true },
      { type: 'TextBlock', text: clip(n.body || n.title, TEAMS_MAX_TEXT), wrap: true },
      { type: 'FactSet', facts },
    ],
  };
  if (n.url) card.actions = [{ type: 'Action.OpenUrl', title: 'Open in Quorate', url: n.url }];
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

export const sendTeams: Sender<'teams'> = (config, n, opts) => {
  const secrets = secretsOf('teams', config);
  return guarded(secrets, async () => verdict(config.url, await post({ url: config.url, headers: { ...JSON_HEADERS }, body: JSON.stringify(teamsPayload(n)) }, opts), secrets));
};
