// The member's certificate fingerprint the join will trust, side by side with what was measured: grouped
// for the eye (4 lines of 8 bytes), whole for a screen reader (the pattern of admin/ClustersCertificate).
import { groups } from '../admin/ClustersCertificate';

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

/** the same fingerprint, whatever case or spacing it was typed in */
export function sameFingerprint(a: string | null, b: string | null): boolean {
  const norm = (s: string) => s.replace(/\s+/g, '').toUpperCase();
  return a !== null && b !== null && norm(a) === norm(b);
}
