// The fields a channel's type asks for (channel-form.ts CONFIG_FIELDS): plain ones as typed, secrets through
// SecretField ("(set)" until replaced).
import type { ChannelType } from '../../api/alerts';
import { Field } from '../form';
import { CONFIG_FIELDS, isSecret, type ConfigField } from './channel-form';
import { SecretField } from './SecretField';

const SECURITY = [
  { value: 'starttls', label: 'STARTTLS (port 587)' },
  { value: 'tls', label: 'TLS (port 465)' },
  { value: 'none', label: 'none (a relay on loopback only)' },
];

function PlainField({ field, value, onChange, error, testId }: { field: ConfigField; value: string; onChange: (v: string) => void; error?: string; testId: string }) {
  const label = field.required ? field.label : `${field.label} (optional)`;
  if (field.kind === 'security')
    return (
      <Field label={label} layout="compact" hint={field.hint} error={error}>
        <select className="field" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
          {SECURITY.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
    );
  const type = field.kind === 'url' ? 'url' : field.kind === 'number' ? 'number' : field.kind === 'email' ? 'email' : 'text';
  return (
    <Field label={label} layout="compact" hint={field.hint} error={error}>
      <input
        className={`field ${field.kind === 'number' ? 'w-28 tabular-nums' : 'w-full'}`}
        type={type}
        inputMode={field.kind === 'number' ? 'numeric' : undefined}
        spellCheck={false}
        placeholder={field.placeholder}
        value={value}
        required={field.required}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
    </Field>
  );
}

export function ConfigFields({
  type,
  config,
  kept,
  stored,
  hints,
  errors,
  onChange,
  onKept,
}: {
  type: ChannelType;
  config: Record<string, string>;
  kept: Record<string, boolean>;
  /** the secret fields the channel being edited has stored */
  stored: Record<string, boolean>;
  /** a secret URL's origin, by field (the BFF's hints) */
  hints: Record<string, string>;
  errors: Record<string, string>;
  onChange: (key: string, value: string) => void;
  onKept: (key: string, kept: boolean) => void;
}) {
  return (
    <div className="grid grid-cols-1 gap-2 sm:grid-cols-2" data-testid="channel-config">
      {CONFIG_FIELDS[type].map((f) => {
        const testId = `channel-config-${f.key}`;
        const error = errors[`config.${f.key}`];
        return isSecret(type, f.key) ? (
          <SecretField
            key={`${type}-${f.key}`}
            label={f.required ? f.label : `${f.label} (optional)`}
            value={config[f.key] ?? ''}
            onChange={(v) => onChange(f.key, v)}
            kept={kept[f.key] === true}
            stored={stored[f.key] === true}
            onKept={(k) => onKept(f.key, k)}
            hint={f.hint}
            origin={hints[f.key]}
            url={f.kind === 'url'}
            required={f.required}
            error={error}
            testId={testId}
          />
        ) : (
          <PlainField key={`${type}-${f.key}`} field={f} value={config[f.key] ?? ''} onChange={(v) => onChange(f.key, v)} error={error} testId={testId} />
        );
      })}
    </div>
  );
}
