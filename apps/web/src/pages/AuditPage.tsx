// Admin: who did what to which cluster, and how it ended. Filter by operation and result; paged. The
// filters live in the URL (`/audit?result=failed`): a reload or a shared link shows the same list.
import { useEffect, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { fetchAudit, type AuditFilter } from '../api/admin';
import { errorText } from '../api/http';
import type { AuditRecord, AuditResult } from '../api/types';
import { queryKeys } from '../api/keys';
import { formatDateTime } from '../lib/format';
import { useSelection } from '../lib/selection';
import { AUDIT_RESULTS, type AuditSearch, auditSearch } from '../routes/audit-search';
import { Field, FilterSelect } from '../components/form';
import { Icon } from '../components/Icon';
import { Pager } from '../components/Pager';

const PAGE = 50;

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
            <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap break-words rounded bg-slate-950 p-2 text-xs text-slate-100">{r.taskLog.join('\n')}</pre>
          </details>
        )}
      </td>
    </tr>
  );
}

export default function AuditPage() {
  const { clusterId } = useSelection();
  const { operation, result, scope, offset = 0 } = auditSearch.parse(useSearch({ from: '/audit' }));
  const navigate = useNavigate({ from: '/audit' });
  // a new filter starts at the newest page; typing replaces the history entry instead of adding one per key
  const setFilter = (patch: Partial<AuditSearch>, replace = false) =>
    void navigate({ search: (prev) => ({ ...prev, ...patch, offset: undefined }), replace });
  const setOffset = (next: number) => void navigate({ search: (prev) => ({ ...prev, offset: next || undefined }) });
  // the text as typed (the URL drops surrounding blanks); follows the URL on back and forward
  const [typed, setTyped] = useState(operation ?? '');
  useEffect(() => setTyped((t) => (t.trim() === (operation ?? '') ? t : (operation ?? ''))), [operation]);

  const onlyThisCluster = scope === 'cluster' && clusterId !== null;
  const filter: AuditFilter = {
    cluster: onlyThisCluster ? clusterId : undefined,
    operation,
    result,
    limit: PAGE,
    offset,
  };
  const q = useQuery({ queryKey: queryKeys.audit(filter), queryFn: () => fetchAudit(filter), placeholderData: keepPreviousData });
  const records = q.data?.records ?? [];
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
        <Field label="Operation" layout="compact">
          <input
            className="field w-48"
            value={typed}
            placeholder="e.g. expected-votes"
            onChange={(e) => {
              setTyped(e.target.value);
              setFilter({ operation: e.target.value.trim() || undefined }, true);
            }}
            data-testid="audit-operation"
          />
        </Field>
        <FilterSelect<AuditResult>
          label="Result"
          value={result ?? ''}
          onChange={(v) => setFilter({ result: v || undefined })}
          options={AUDIT_RESULTS}
          allLabel="all results"
          testId="audit-result"
        />
        {clusterId && (
          <Field label="only this cluster" layout="check">
            <input type="checkbox" className="mt-1" checked={onlyThisCluster} onChange={(e) => setFilter({ scope: e.target.checked ? 'cluster' : undefined })} data-testid="audit-this-cluster" />
          </Field>
        )}
        <Pager offset={offset} limit={PAGE} total={q.data?.total ?? 0} shown={records.length} onOffset={setOffset} testId="audit-pager" />
      </div>
      {q.error && <p className="text-red-700 dark:text-red-300">Could not load the audit trail: {errorText(q.error)}</p>}
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
