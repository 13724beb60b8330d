// The channel form's values and how they become the request: the fields each type asks for, secrets kept
// as stored ("(set)") until replaced — never prefilled, and an empty replacement of an optional secret
// removes it — rules on or off with their thresholds, and the zod/mini judgement with its words per field.
// Pure: ChannelForm.tsx renders it, channel-form.test.ts checks it.
import type { ChannelInput, ChannelType, ChannelView, RuleId } from '../../api/alerts';
import { CHANNEL_TYPES, judgeChannel, RULE_DEFAULTS, RULE_IDS, SECRET_FIELDS, SECRET_SET, type RuleIssue } from './channel-rules';

export type FieldKind = 'url' | 'text' | 'email' | 'number' | 'security' | 'list';
export interface ConfigField {
  key: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  hint?: string;
  placeholder?: string;
}

export const TYPE_LABELS: Record<ChannelType, string> = {
  webhook: 'Webhook (JSON)',
  email: 'E-mail (SMTP)',
  ntfy: 'ntfy',
  gotify: 'Gotify',
  slack: 'Slack-compatible (Slack, Mattermost, Rocket.Chat)',
  discord: 'Discord',
  telegram: 'Telegram',
  teams: 'Microsoft Teams',
};
export { CHANNEL_TYPES };

const secretUrl = (what: string): ConfigField => ({ key: 'url', label: 'Webhook URL', kind: 'url', required: true, hint: `${what}; the URL is the key, so it is kept like a password.`, placeholder: 'https://…' });

/** what each type asks for, in order (the model's config schemas) */
export const CONFIG_FIELDS: Record<ChannelType, readonly ConfigField[]> = {
  webhook: [
    { key: 'url', label: 'URL', kind: 'url', required: true, hint: 'Receives each notification as JSON (POST). It may carry a token, so it is kept like a password.', placeholder: 'https://…' },
    { key: 'secret', label: 'Signing secret', kind: 'text', required: false, hint: 'Optional, at least 16 characters: each body is signed (X-Quorate-Signature: sha256=…).' },
  ],
  email: [
    { key: 'host', label: 'SMTP host', kind: 'text', required: true, placeholder: 'smtp.example.org' },
    { key: 'port', label: 'Port', kind: 'number', required: true, hint: '587 with STARTTLS, 465 with TLS.' },
    { key: 'security', label: 'Security', kind: 'security', required: true },
    { key: 'username', label: 'User name', kind: 'text', required: false },
    { key: 'password', label: 'Password', kind: 'text', required: false },
    { key: 'from', label: 'From', kind: 'email', required: true, placeholder: 'quorate@example.org' },
    { key: 'to', label: 'To', kind: 'list', required: true, hint: 'One or more addresses (up to 20), separated by commas or spaces.' },
  ],
  ntfy: [
    { key: 'url', label: 'Topic URL', kind: 'url', required: true, placeholder: 'https://ntfy.sh/your-topic', hint: 'Anyone who knows a topic can read it, so it is kept like a password.' },
    { key: 'token', label: 'Access token', kind: 'text', required: false, hint: 'Only for a protected topic.' },
  ],
  gotify: [
    { key: 'url', label: 'Server URL', kind: 'url', required: true, placeholder: 'https://gotify.example.org' },
    { key: 'token', label: 'Application token', kind: 'text', required: true },
  ],
  slack: [secretUrl('An incoming webhook of Slack, Mattermost or Rocket.Chat')],
  discord: [secretUrl("A channel's webhook (Server settings → Integrations)")],
  telegram: [
    { key: 'botToken', label: 'Bot token', kind: 'text', required: true, placeholder: '123456:ABC…', hint: 'As BotFather gives it.' },
    { key: 'chatId', label: 'Chat id', kind: 'text', required: true, placeholder: '-100… or @channelname' },
    { key: 'apiUrl', label: 'API address', kind: 'url', required: false, hint: 'Empty: https://api.telegram.org (only a local stand-in or proxy needs another).' },
  ],
  teams: [secretUrl('A Workflows URL ("Post to a channel when a webhook request is received")')],
};

export const isSecret = (type: ChannelType, key: string) => SECRET_FIELDS[type].includes(key);

export const RULE_LABELS: Record<RuleId, string> = {
  'quorum-lost': 'Quorum lost / regained',
  'early-warning': 'Early warning (a node about to drop)',
  'node-offline': 'Node offline / back',
  'link-degraded': 'Link degraded or flapping',
  storage: 'Storage inactive or filling up',
  'qdevice-lost': 'QDevice lost',
  'ha-error': 'HA errors (Proxmox VE)',
  'source-down': 'The cluster cannot be observed',
};

export type Threshold = keyof typeof RULE_DEFAULTS;
/** the thresholds each rule has: field, label, unit */
export const RULE_THRESHOLDS: Partial<Record<RuleId, readonly { key: Threshold; label: string; unit: string }[]>> = {
  'link-degraded': [
    { key: 'flapCount', label: 'Flapping at', unit: 'changes' },
    { key: 'flapWindowS', label: 'within', unit: 's' },
  ],
  storage: [{ key: 'fullPct', label: 'Full above', unit: '%' }],
  'source-down': [{ key: 'afterS', label: 'Down for', unit: 's' }],
};

export interface ChannelForm {
  type: ChannelType;
  name: string;
  /** every config field as typed (numbers and lists too); a kept secret is '' here */
  config: Record<string, string>;
  /** secret fields whose stored value stays: shown as "(set)" and sent as "(set)" until replaced */
  kept: Record<string, boolean>;
  rules: Record<RuleId, boolean>;
  thresholds: Record<Threshold, string>;
  /** for every cluster (clusters: null), or only the chosen ones */
  allClusters: boolean;
  clusters: string[];
  /** a channel id, '' for none */
  fallback: string;
  repeatMinutes: string;
  enabled: boolean;
}

const allRulesOn = (): Record<RuleId, boolean> => Object.fromEntries(RULE_IDS.map((r) => [r, true])) as Record<RuleId, boolean>;
const defaultThresholds = (): Record<Threshold, string> => ({
  flapCount: String(RULE_DEFAULTS.flapCount),
  flapWindowS: String(RULE_DEFAULTS.flapWindowS),
  fullPct: String(RULE_DEFAULTS.fullPct),
  afterS: String(RULE_DEFAULTS.afterS),
});
const CONFIG_DEFAULTS: Partial<Record<ChannelType, Record<string, string>>> = { email: { port: '587', security: 'starttls' } };

function blankConfig(type: ChannelType): Record<string, string> {
  return Object.fromEntries(CONFIG_FIELDS[type].map((f) => [f.key, CONFIG_DEFAULTS[type]?.[f.key] ?? '']));
}

/** a new channel: every rule on with its defaults, every cluster, enabled */
export function emptyForm(type: ChannelType = 'webhook'): ChannelForm {
  return {
    type,
    name: '',
    config: blankConfig(type),
    kept: {},
    rules: allRulesOn(),
    thresholds: defaultThresholds(),
    allClusters: true,
    clusters: [],
    fallback: '',
    repeatMinutes: '0',
    enabled: true,
  };
}

/** another type chosen for a new channel: its own fields, empty; the rest stays */
export function withType(form: ChannelForm, type: ChannelType): ChannelForm {
  return { ...form, type, config: blankConfig(type), kept: {} };
}

/** a stored channel in the form: secrets never prefilled — a stored one is kept until replaced */
export function formOf(view: ChannelView): ChannelForm {
  const form = emptyForm(view.type);
  form.name = view.name;
  for (const f of CONFIG_FIELDS[view.type]) {
    const v = view.config[f.key];
    if (isSecret(view.type, f.key)) {
      form.config[f.key] = '';
      if (v !== undefined && v !== null && v !== '') form.kept[f.key] = true;
    } else if (Array.isArray(v)) form.config[f.key] = v.join(', ');
    else if (v !== undefined && v !== null) form.config[f.key] = String(v);
  }
  const rules = view.rules ?? {};
  for (const r of RULE_IDS) form.rules[r] = rules[r]?.on ?? true;
  const ld = rules['link-degraded'];
  if (ld?.flapCount !== undefined) form.thresholds.flapCount = String(ld.flapCount);
  if (ld?.flapWindowS !== undefined) form.thresholds.flapWindowS = String(ld.flapWindowS);
  if (rules.storage?.fullPct !== undefined) form.thresholds.fullPct = String(rules.storage.fullPct);
  if (rules['source-down']?.afterS !== undefined) form.thresholds.afterS = String(rules['source-down'].afterS);
  form.allClusters = view.clusters == null;
  form.clusters = view.clusters ?? [];
  form.fallback = view.fallback ?? '';
  form.repeatMinutes = String(view.repeatMinutes);
  form.enabled = view.enabled;
  return form;
}

/** a number field: '' stays absent (the default), anything else a number (NaN is judged as not one) */
const num = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text.trim()));
const defined = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** the request body the form stands for (not judged yet) */
export function payloadOf(form: ChannelForm): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const f of CONFIG_FIELDS[form.type]) {
    if (isSecret(form.type, f.key) && form.kept[f.key]) {
      config[f.key] = SECRET_SET;
      continue;
    }
    const text = form.config[f.key] ?? '';
    // a secret is sent as typed (a password may begin or end with a blank); the rest trimmed
    const v = isSecret(form.type, f.key) ? text : text.trim();
    if (v === '') continue;
    if (f.kind === 'number') config[f.key] = num(v);
    else if (f.kind === 'list') config[f.key] = v.split(/[\s,;]+/).filter(Boolean);
    else config[f.key] = v;
  }
  const t = form.thresholds;
  const rules: Record<string, unknown> = {};
  for (const r of RULE_IDS) rules[r] = { on: form.rules[r] };
  rules['link-degraded'] = defined({ on: form.rules['link-degraded'], flapCount: num(t.flapCount), flapWindowS: num(t.flapWindowS) });
  rules.storage = defined({ on: form.rules.storage, fullPct: num(t.fullPct) });
  rules['source-down'] = defined({ on: form.rules['source-down'], afterS: num(t.afterS) });
  return {
    type: form.type,
    name: form.name.trim(),
    config,
    rules,
    clusters: form.allClusters ? null : form.clusters,
    fallback: form.fallback === '' ? null : form.fallback,
    repeatMinutes: num(form.repeatMinutes) ?? 0,
    enabled: form.enabled,
  };
}

/** a field's problem in words: the rules' own words where they have them, else from the issue's kind */
export function wordsOf(i: RuleIssue): string {
  if (i.input === undefined && i.code === 'invalid_type') return 'Required.';
  if (i.code === 'too_small' && i.origin === 'string' && Number(i.minimum) === 1) return 'Required.';
  if (i.message && !/^Invalid/.test(i.message)) return `${i.message[0]!.toUpperCase()}${i.message.slice(1)}.`;
  if (i.code === 'too_small' && i.origin === 'array') return `At least ${i.minimum}.`;
  if (i.code === 'too_big' && i.origin === 'array') return `At most ${i.maximum}.`;
  if (i.code === 'too_small') return i.origin === 'string' ? `At least ${i.minimum} characters.` : `At least ${i.minimum}.`;
  if (i.code === 'too_big') return i.origin === 'string' ? `At most ${i.maximum} characters.` : `At most ${i.maximum}.`;
  if (i.code === 'invalid_type' && (i.expected === 'number' || i.expected === 'int')) return i.expected === 'int' ? 'A whole number.' : 'A number.';
  return 'Not valid here.';
}

export type FormErrors = Record<string, string>;

/**
 * judged: the request to send, or each field's problem by path ("name", "config.url", "rules.storage.fullPct").
 * A kept secret is not judged (the page does not have it): it goes as "(set)" and the BFF puts the stored one in.
 */
export function judge(form: ChannelForm): { ok: true; input: ChannelInput } | { ok: false; errors: FormErrors } {
  const errors: FormErrors = {};
  if (!form.allClusters && form.clusters.length === 0) errors.clusters = 'Choose at least one cluster, or all.';
  const payload = payloadOf(form);
  const kept = Object.keys(payload.config as object).filter((k) => (payload.config as Record<string, unknown>)[k] === SECRET_SET && isSecret(form.type, k));
  const candidate = { ...payload, config: Object.fromEntries(Object.entries(payload.config as object).filter(([k]) => !kept.includes(k))) };
  const r = judgeChannel(candidate, kept);
  if (!r.success)
    for (const i of r.issues) {
      const path = i.path.map(String).join('.');
      errors[path] ??= wordsOf(i);
    }
  if (Object.keys(errors).length > 0 || !r.success) return { ok: false, errors };
  const data = r.data;
  data.config = { ...(data.config as object), ...Object.fromEntries(kept.map((k) => [k, SECRET_SET])) };
  return { ok: true, input: data as ChannelInput };
}
