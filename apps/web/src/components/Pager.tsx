// Offset paging for the history and audit tables: "51–100 of 230", previous / next.
export function Pager({
  offset,
  limit,
  total,
  shown,
  onOffset,
  testId,
}: {
  offset: number;
  limit: number;
  total: number;
  shown: number;
  onOffset: (offset: number) => void;
  testId: string;
}) {
  const from = shown ? offset + 1 : 0;
  const to = offset + shown;
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center gap-2 text-sm" data-testid={testId}>
      <button type="button" className="btn" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))} data-testid={`${testId}-prev`}>
        ← Newer
      </button>
      <span className="tabular-nums" data-testid={`${testId}-range`}>
        {from}–{to} of {total}
      </span>
      <button type="button" className="btn" disabled={to >= total} onClick={() => onOffset(offset + limit)} data-testid={`${testId}-next`}>
        Older →
      </button>
    </nav>
  );
}
