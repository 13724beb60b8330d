// Admin: who did what to which cluster, and how it ended. Filter by operation and result; paged.
import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchAudit, type AuditFilter } from '../api/admin';
import type { AuditRecord, AuditResult } from '../api/types';
import { queryKeys } from '../live/api';
import { formatDateTime } from '../lib/format';
import { Icon } from '../components/Icon';
import { Pager } from '../components/Pager';

const PAGE = 50;
const RESULTS: AuditResult[] = ['ok', 'refused', 'failed'];

function ResultTag({ result }: { result: AuditResult }) {
  const cls =
    result === 'ok'
      ? 'text-emerald-800 dark:text-emerald-300'
      : result === 'refused'
        ? 'text-amber-800 dark:text-amber-300'
        : 'text-red-800 dark:text-red-300';
  return (
    <span className={`inline-flex items-center gap-1 font-semibold uppercase ${cls}`}>
      <Icon name={result === 'ok' ? 'ok' : result === 'refused' ? 'warn' : 'bad'} />
      {result}
    </span>
  );
}

function Row({ r }: { r: AuditRecord }) {
  const params = r.params === null || r.params === undefined ? '' : JSON.stringify(r.params);
  return (
    <tr data-testid="audit-row" data-operation={r.operation} data-result={r.result}>
      <td className="whitespace-nowrap font-mono text-xs tabular-nums">{formatDateTime(r.at)}</td>
      <td>
        {r.actor.name} <span className="text-xs text-slate-500">({r.role ? `${r.actor.kind}, ${r.role}` : r.actor.kind})</span>
      </td>
      <td>
        <code>{r.operation}</code>
        {r.clusterId && <span className="text-xs text-slate-500"> on {r.clusterId}</span>}
        {params && <div className="mt-0.5 break-all font-mono text-xs text-slate-600 dark:text-slate-400">{params}</div>}
      </td>
      <td>{r.confirmed ? 'yes' : 'no'}</td>
      <td>
        <ResultTag result={r.result} />
      </td>
      <td className="min-w-48">
        {r.message}
        {r.taskLog && r.taskLog.length > 0 && (
          <details className="mt-1">
            <summary className="cursor-pointer text-xs text-sky-700 dark:text-sky-300">task log ({r.taskLog.length} lines)</summary>
            <pre className="mt-1 max-h-48 overflow-auto rounded bg-slate-950 p-2 text-xs text-slate-100">{r.taskLog.join('\n')}</pre>
          </details>
        )}
      </td>
    </tr>
  );
}

export default function AuditPage({ clusterId }: { clusterId: string | null }) {
  const [operation, setOperation] = useState('');
  const [result, setResult] = useState<AuditResult | ''>('');
  const [allClusters, setAllClusters] = useState(true);
  const [offset, setOffset] = useState(0);
  const filter: AuditFilter = {
    cluster: allClusters ? undefined : (clusterId ?? undefined),
    operation: operation.trim() || undefined,
    result,
    limit: PAGE,
    offset,
  };
  const q = useQuery({ queryKey: queryKeys.audit(filter), queryFn: () => fetchAudit(filter), placeholderData: keepPreviousData });
  const records = q.data?.records ?? [];
  const reset = () => setOffset(0);
  return (
    <section aria-labelledby="audit-title" className="panel" data-testid="audit-page">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="audit-title" className="panel-title">
          Audit
        </h2>
        <button type="button" className="btn" onClick={() => void q.refetch()} disabled={q.isFetching}>
          Refresh
        </button>
      </div>
      <div className="mb-3 flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-xs">
          <span className="mb-0.5 text-slate-600 dark:text-slate-400">Operation</span>
          <input
            className="field w-48"
            value={operation}
            placeholder="e.g. expected-votes"
            onChange={(e) => {
              setOperation(e.target.value);
              reset();
            }}
            data-testid="audit-operation"
          />
        </label>
        <label className="flex flex-col text-xs">
          <span className="mb-0.5 text-slate-600 dark:text-slate-400">Result</span>
          <select
            className="field"
            value={result}
            onChange={(e) => {
              setResult(e.target.value as AuditResult | '');
              reset();
            }}
            data-testid="audit-result"
          >
            <option value="">all results</option>
            {RESULTS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        {clusterId && (
          <label className="flex items-center gap-1 text-sm">
            <input
              type="checkbox"
              checked={!allClusters}
              onChange={(e) => {
                setAllClusters(!e.target.checked);
                reset();
              }}
            />
            only this cluster
          </label>
        )}
        <Pager offset={offset} limit={PAGE} total={q.data?.total ?? 0} shown={records.length} onOffset={setOffset} testId="audit-pager" />
      </div>
      {q.error && <p className="text-red-700 dark:text-red-300">Could not load the audit trail: {q.error.message}</p>}
      {q.isPending && <p>Loading…</p>}
      {!q.isPending && !records.length && <p className="text-sm text-slate-500">No audit records match.</p>}
      {records.length > 0 && (
        <div className="overflow-x-auto">
          <table className={`data-table ${q.isPlaceholderData ? 'opacity-60' : ''}`}>
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Operation</th>
                <th>Confirmed</th>
                <th>Result</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {records.map((r) => (
                <Row key={r.id} r={r} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
