// A secret config field (a token, a password, a URL that is its own key): a stored one reads "(set)" — never
// prefilled, only replaced — with where it points when the BFF gave a hint; a new one is typed in.
import { Field } from '../form';

export function SecretField({
  label,
  value,
  onChange,
  kept,
  stored,
  onKept,
  hint,
  origin,
  url,
  required,
  error,
  testId,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  /** the stored secret stays (sent back as "(set)") */
  kept: boolean;
  /** a secret is stored for this field (editing a channel that has one) */
  stored: boolean;
  /** replace it (false), or go back to keeping the stored one (true) */
  onKept: (kept: boolean) => void;
  hint?: string;
  /** a secret URL's scheme and host, as the BFF answers it */
  origin?: string;
  url: boolean;
  required: boolean;
  error?: string;
  testId: string;
}) {
  if (kept)
    return (
      <Field label={label} layout="compact" hint={hint} error={error}>
        <output className="flex flex-wrap items-center gap-2 text-sm" data-testid={testId} data-kept="true">
          <span className="font-mono">(set)</span>
          {origin && <span className="text-slate-600 dark:text-slate-400">{origin}/…</span>}
          <button type="button" className="btn" onClick={() => onKept(false)} data-testid={`${testId}-replace`} aria-label={`Replace the ${label.toLowerCase()}`}>
            Replace
          </button>
        </output>
      </Field>
    );
  const replacing = stored;
  const note = replacing ? (required ? 'Type the new one, or keep the stored one.' : 'Empty: saved without one (the stored one is removed).') : undefined;
  return (
    <Field
      label={replacing ? `New ${label.toLowerCase()}` : label}
      layout="compact"
      hint={[hint, note].filter(Boolean).join(' ') || undefined}
      error={error}
      after={
        replacing && (
          <button type="button" className="btn mt-1 self-start" onClick={() => onKept(true)} data-testid={`${testId}-keep`}>
            Keep the stored one
          </button>
        )
      }
    >
      <input
        className="field w-full font-mono"
        type={url ? 'url' : 'password'}
        autoComplete={url ? 'off' : 'new-password'}
        spellCheck={false}
        value={value}
        required={required}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
    </Field>
  );
}
