// Operators' operations on the cluster. Each one opens a guarded dialog or wizard; none runs from a single
// click. Join / create / remove show only where the cluster's source can do them, and say why otherwise.
import { useContext } from 'react';
import { Link } from '@tanstack/react-router';
import type { Capability, ClusterSnapshot } from '@quorate/model';
import { SelectionContext } from '../lib/selection';

function Unavailable({ what, cap, source }: { what: string; cap: Capability; source: string }) {
  return (
    <p className="text-sm text-slate-600 dark:text-slate-400" data-testid={`op-${cap}-unavailable`}>
      {what}: not here — this cluster’s source ({source}) has no {cap} capability.
    </p>
  );
}

export function OperationsPanel({ s, onSetExpectedVotes }: { s: ClusterSnapshot; onSetExpectedVotes: () => void }) {
  const q = s.quorum;
  const selection = useContext(SelectionContext);
  const cluster = selection?.clusters.find((c) => c.id === selection.clusterId);
  const caps = cluster?.capabilities ?? [];
  const offline = s.nodes.filter((n) => n.state !== 'online');
  const search = { cluster: cluster?.id };
  return (
    <section aria-labelledby="ops-title" className="panel" data-testid="operations-panel">
      <h2 id="ops-title" className="panel-title">
        Operations
      </h2>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <button type="button" className="btn" onClick={onSetExpectedVotes} data-testid="op-expected-votes">
          Set expected votes…
        </button>
        <span className="text-sm text-slate-600 dark:text-slate-400">
          <code>pvecm expected</code>
          {q ? ` · now ${q.expectedVotes} expected, ${q.quorum} needed` : ''} · shows the arithmetic and asks first
        </span>
      </div>
      {cluster && (
        <div className="mt-2 flex flex-col gap-1.5">
          {caps.includes('join') ? (
            <Link to="/join" search={search} className="btn min-h-11 self-start" data-testid="op-join">
              Join a node…
            </Link>
          ) : (
            <Unavailable what="Join a node" cap="join" source={cluster.source} />
          )}
          {caps.includes('delnode') ? (
            <div className="flex flex-wrap gap-2">
              {offline.map((n) => (
                <Link key={n.name} to="/remove" search={{ ...search, node: n.name }} className="btn btn-danger min-h-11" data-testid={`op-remove-${n.name}`}>
                  Remove {n.name} ({n.state})…
                </Link>
              ))}
              <Link to="/remove" search={search} className="btn min-h-11" data-testid="op-remove">
                Remove a node…
              </Link>
            </div>
          ) : (
            <Unavailable what="Remove a node" cap="delnode" source={cluster.source} />
          )}
          {caps.includes('qdevice') ? (
            <Link to="/qdevice" search={search} className="btn min-h-11 self-start" data-testid="op-qdevice">
              {s.qdevice ? 'Remove the QDevice…' : 'Set up a QDevice…'}
            </Link>
          ) : (
            <Unavailable what="QDevice" cap="qdevice" source={cluster.source} />
          )}
          {caps.includes('links') ? (
            <Link to="/links" search={search} className="btn min-h-11 self-start" data-testid="op-links">
              Change the Corosync links…
            </Link>
          ) : (
            <Unavailable what="Corosync links" cap="links" source={cluster.source} />
          )}
          {caps.includes('create') && (
            <Link to="/create" search={search} className="btn min-h-11 self-start" data-testid="op-create">
              Create a cluster…
            </Link>
          )}
        </div>
      )}
    </section>
  );
}
