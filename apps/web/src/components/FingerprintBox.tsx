// A certificate fingerprint (SHA-256, colon hex) as admins compare them: four lines of eight bytes for the
// eye, one piece for a screen reader. Used wherever a fingerprint is shown (a changed certificate, the join).

/** "AB:CD:…" (32 bytes) in four lines of eight bytes */
export function groups(fp: string): string[] {
  const bytes = fp.split(':');
  return [0, 8, 16, 24].map((i) => bytes.slice(i, i + 8).join(':')).filter(Boolean);
}

export function FingerprintBox({ label, fp, testId }: { label: string; fp: string | null; testId: string }) {
  return (
    <div className="min-w-0">
      <p className="text-xs font-semibold">{label}</p>
      {fp ? (
        <p className="font-mono text-xs leading-5 break-all" data-testid={testId} data-fingerprint={fp}>
          <span className="sr-only">{fp}</span>
          {groups(fp).map((g, i) => (
            <span key={i} className="block" aria-hidden="true">
              {g}
            </span>
          ))}
        </p>
      ) : (
        <p className="text-sm" data-testid={testId}>
          nothing yet
        </p>
      )}
    </div>
  );
}
