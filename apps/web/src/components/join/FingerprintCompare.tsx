// Comparing the fingerprint the join will trust with what was measured (shown with ../FingerprintBox).

/** the same fingerprint, whatever case or spacing it was typed in */
export function sameFingerprint(a: string | null, b: string | null): boolean {
  const norm = (s: string) => s.replace(/\s+/g, '').toUpperCase();
  return a !== null && b !== null && norm(a) === norm(b);
}
