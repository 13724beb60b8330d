// The product's mark: three nodes joined, in neutral colours. It names the app; it never says anything
// about a cluster's state (that is the hero's job), so it is no green check and no "QUORATE" status word.
export function BrandMark({ className = 'size-5' }: { className?: string }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" className={`inline-block shrink-0 ${className}`} data-testid="brand-mark">
      <path d="M12 5 5 17h14Z" fill="none" stroke="currentColor" strokeOpacity="0.55" strokeWidth="1.6" strokeLinejoin="round" />
      <circle cx="12" cy="5" r="2.9" fill="currentColor" />
      <circle cx="5" cy="17" r="2.9" fill="currentColor" />
      <circle cx="19" cy="17" r="2.9" fill="currentColor" />
    </svg>
  );
}

/** the mark and the product name, as a name (not a status): setup, sign-in, connecting, the header */
export function Brand({ className = '' }: { className?: string }) {
  return (
    <span className={`inline-flex items-center gap-1.5 font-semibold text-slate-700 dark:text-slate-300 ${className}`} data-testid="brand">
      <BrandMark />
      Quorate
    </span>
  );
}
