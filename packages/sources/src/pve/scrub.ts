// Secrets (root passwords, tickets, TOTP codes) must never reach an error or a log line, even when a server
// echoes what it was sent: every message leaving the join/create/delnode code passes through here.

/** the text with each secret (of 4+ characters, so a short one does not blank ordinary words) replaced */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s !== undefined && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

/** the same error with its message scrubbed (its kind and details kept) */
export function scrubError(err: unknown, secrets: readonly (string | undefined)[]): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const clean = scrub(e.message, secrets);
  if (clean !== e.message) e.message = clean;
  return e;
}
