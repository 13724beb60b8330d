// Marks a panel whose figures are not live (connection down, data old, or no node could be asked).
export function StaleTag() {
  return (
    <span className="ml-2 rounded border border-dashed border-slate-400 px-1.5 align-middle text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">
      last known
    </span>
  );
}
