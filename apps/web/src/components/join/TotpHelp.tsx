// Why a TOTP code is asked, shown where it blocks (a dry run, the run or a removal said "root@pam has TOTP").
export function TotpHelp({ node, testId = 'totp-help' }: { node: string; testId?: string }) {
  return (
    <div className="rounded border-2 border-amber-600 bg-amber-50 p-2 text-sm text-amber-950 dark:border-amber-400 dark:bg-amber-950/60 dark:text-amber-50" role="note" data-testid={testId}>
      <p className="font-semibold">root@pam on {node} has a second factor (TOTP).</p>
      <p className="mt-0.5">
        After the password, Proxmox asks for the current one-time code from root’s authenticator app. A code is valid for about 30 seconds: type a fresh one just
        before Re-check or the run (each login uses one). A factor other than TOTP (WebAuthn, a recovery key) cannot be used from here.
      </p>
    </div>
  );
}
