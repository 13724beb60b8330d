// "Read the certificate it presents": a dry run of the join with the joining node's address but without its
// fingerprint — the server then sends nothing to the node and only says which certificate it presents. The
// admin compares it with the node's own (its GUI → System → Certificates) and, only if they match, trusts it.
import { useMutation } from '@tanstack/react-query';
import { dryRunJoin } from '../../api/join';
import { ErrorBox } from '../form';
import { FingerprintBox } from '../FingerprintBox';
import { joinerAccessProblem, presentedFingerprint } from './pve-access';

interface Props {
  clusterId: string;
  node: string;
  url: string;
  password: string;
  /** why it cannot be read yet (no URL or password typed), or null */
  blocked: string | null;
  trusted: string;
  onTrust: (fingerprint: string) => void;
}

export function ReadCertificate({ clusterId, node, url, password, blocked, trusted, onTrust }: Props) {
  const read = useMutation({
    mutationFn: async () => {
      const r = await dryRunJoin(clusterId, { node: { name: node }, joiner: { url: url.trim(), password } });
      const texts = r.plan.checks.map((c) => c.measured);
      return { fingerprint: presentedFingerprint(texts), problem: joinerAccessProblem(texts, node) ?? texts.find((t) => t.includes(url.trim()))?.replace(/^not checked: /, '') ?? null, url: url.trim() };
    },
  });
  const seen = read.data?.url === url.trim() ? read.data : undefined;
  const same = seen?.fingerprint != null && seen.fingerprint === trusted.trim().toUpperCase();
  return (
    <div className="space-y-2" data-testid="joiner-certificate">
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className="btn min-h-11" disabled={blocked !== null || read.isPending} aria-busy={read.isPending || undefined} onClick={() => read.mutate()} data-testid="joiner-read-certificate">
          {read.isPending ? 'Reading…' : 'Read the certificate it presents'}
        </button>
        <span className="text-xs text-slate-600 dark:text-slate-400">{blocked ?? 'Nothing but the TLS handshake reaches the node: no password is sent to it without a fingerprint.'}</span>
      </div>
      <ErrorBox error={read.error} title="Reading the certificate" testId="joiner-certificate-error" />
      {seen && seen.fingerprint === null && (
        <p className="text-sm font-semibold text-red-800 dark:text-red-300" role="alert" data-testid="joiner-certificate-unread">
          The certificate could not be read{seen.problem ? `: ${seen.problem}` : '.'}
        </p>
      )}
      {seen?.fingerprint && (
        <div className="rounded border-2 border-amber-600 bg-amber-50 p-2 text-sm text-amber-950 dark:border-amber-400 dark:bg-amber-950/60 dark:text-amber-50" data-testid="joiner-certificate-presented">
          <p className="font-semibold">
            {seen.url} presents this certificate. Compare it with {node}’s own — its GUI → System → Certificates, or <code>pvenode cert info</code> on it — before trusting it.
          </p>
          <div className="mt-1">
            <FingerprintBox label="Presented now (SHA-256)" fp={seen.fingerprint} testId="joiner-certificate-fingerprint" />
          </div>
          {same ? (
            <p className="mt-1 font-semibold" data-testid="joiner-certificate-trusted">
              ✓ Trusted: the fingerprint field holds it.
            </p>
          ) : (
            <button type="button" className="btn mt-1 min-h-11" onClick={() => onTrust(seen.fingerprint!)} data-testid="joiner-certificate-trust">
              It matches {node}’s GUI: trust this certificate
            </button>
          )}
        </div>
      )}
    </div>
  );
}
