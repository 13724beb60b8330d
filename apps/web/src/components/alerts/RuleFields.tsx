// Which rules a channel carries, each on or off, with the thresholds of those that have them (empty: the default).
import type { RuleId } from '../../api/alerts';
import { Field } from '../form';
import { RULE_LABELS, RULE_THRESHOLDS, type Threshold } from './channel-form';
import { RULE_DEFAULTS, RULE_IDS } from './channel-rules';

export function RuleFields({
  rules,
  thresholds,
  errors,
  onRule,
  onThreshold,
}: {
  rules: Record<RuleId, boolean>;
  thresholds: Record<Threshold, string>;
  errors: Record<string, string>;
  onRule: (rule: RuleId, on: boolean) => void;
  onThreshold: (key: Threshold, value: string) => void;
}) {
  return (
    <fieldset className="rounded border border-slate-200 p-2 dark:border-slate-700" data-testid="channel-rules">
      <legend className="px-1 text-sm font-semibold">Rules</legend>
      <ul className="grid grid-cols-1 gap-x-4 gap-y-1 lg:grid-cols-2">
        {RULE_IDS.map((r) => (
          <li key={r} className="flex flex-wrap items-start gap-x-3 gap-y-1">
            <Field label={RULE_LABELS[r]} layout="check" className="w-56 shrink-0">
              <input type="checkbox" className="mt-1" checked={rules[r]} onChange={(e) => onRule(r, e.target.checked)} data-testid={`channel-rule-${r}`} />
            </Field>
            <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
              {(RULE_THRESHOLDS[r] ?? []).map((t) => (
                <Field
                  key={t.key}
                  label={t.label}
                  layout="inline"
                  className="text-sm"
                  labelClassName="font-normal"
                  after={<span>{t.unit}</span>}
                  error={errors[`rules.${r}.${t.key}`]}
                >
                  <input
                    className="field w-20 tabular-nums"
                    type="number"
                    inputMode="decimal"
                    placeholder={String(RULE_DEFAULTS[t.key])}
                    value={thresholds[t.key]}
                    disabled={!rules[r]}
                    onChange={(e) => onThreshold(t.key, e.target.value)}
                    data-testid={`channel-threshold-${t.key}`}
                  />
                </Field>
              ))}
            </span>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
