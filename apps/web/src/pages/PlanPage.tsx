// Plan (issue 15): troubleshooting tied to the live state, what-if (pick what fails: the predicted partitions
// and quorum, the smallest failure that loses it, "can I reboot it now?" per node) and the design advisor.
// The what-if's picks live in the URL (`/plan?fail=pve3,pve4&links=pve1:0&qdevice=1`, components/plan/
// plan-search.ts), so a reload or a shared link shows the same plan. Everything here is the viewer's: it
// predicts, it changes nothing.
import { planSearch } from '../components/plan/plan-search';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { roleAtLeast } from '../api/types';
import type { WhatIfFailures } from '../api/whatif';
import { useRole } from '../auth/session';
import { useFreshness } from '../components/ConnectionIndicator';
import { AdvisorPanel } from '../components/plan/AdvisorPanel';
import { formatPicks, parsePicks, picksFor } from '../components/plan/picks';
import { sceneKey } from '../components/plan/scene';
import { TroubleshootPanel } from '../components/plan/TroubleshootPanel';
import { WhatIfPanel } from '../components/plan/WhatIfPanel';
import { linkNumbers } from '../lib/cluster';
import { useSelection } from '../lib/selection';

const RebootDialog = lazy(() => import('../components/plan/RebootDialog'));

export default function PlanPage() {
  const { clusterId, clusters, entry, sample } = useSelection();
  const search = planSearch.parse(useSearch({ from: '/plan' }));
  const navigate = useNavigate({ from: '/plan' });
  const role = useRole();
  const { freshness } = useFreshness(entry);
  const [rebootNode, setRebootNode] = useState<string | null>(null);

  const s = entry?.snapshot;
  const namesKey = s?.nodes.map((n) => n.name).join(',') ?? '';
  const nodeNames = useMemo(() => (namesKey ? namesKey.split(',') : []), [namesKey]);
  // by value: a new snapshot (every patch) has new arrays, the same picks
  const linksKey = s ? linkNumbers(s).join() : '';
  const hasQdevice = s?.qdevice != null;
  const { fail, links: linkPicks, qdevice } = search;
  const { picks, ignored } = useMemo(
    () => picksFor(parsePicks({ fail, links: linkPicks, qdevice }), { nodes: nodeNames, links: linksKey ? linksKey.split(',').map(Number) : [], qdevice: hasQdevice }),
    [fail, linkPicks, qdevice, nodeNames, linksKey, hasQdevice],
  );
  const setPicks = (next: WhatIfFailures) => void navigate({ search: (prev) => ({ ...prev, ...formatPicks(next) }), replace: true });

  const cluster = clusters.find((c) => c.id === clusterId);
  const operator = roleAtLeast(role, 'operator');
  const canSetVotes = operator && (cluster?.capabilities.includes('expectedVotes') ?? true) && s?.quorum != null;

  let body;
  if (sample !== null) {
    body = (
      <section className="panel" data-testid="plan-sample">
        <h2 className="panel-title">Plan</h2>
        <p className="text-sm">What-if, the reboot check and the design advisor ask the server: they are not available on a sample page.</p>
      </section>
    );
  } else if (!s || clusterId === null) {
    body = (
      <section className="panel" data-testid="plan-waiting">
        <h2 className="panel-title">Plan</h2>
        <p className="text-sm">Waiting for the cluster’s first snapshot…</p>
      </section>
    );
  } else {
    const scene = sceneKey(s);
    const stale = freshness !== 'live' || s.observer === null;
    body = (
      <>
        <TroubleshootPanel clusterId={clusterId} s={s} stale={stale} canSetVotes={canSetVotes} canOpenWizards={operator} />
        <WhatIfPanel clusterId={clusterId} s={s} scene={scene} picks={picks} ignored={ignored} onChange={setPicks} onReboot={setRebootNode} />
        <AdvisorPanel clusterId={clusterId} scene={scene} />
        {rebootNode !== null && (
          <Suspense fallback={null}>
            <RebootDialog clusterId={clusterId} node={rebootNode} onClose={() => setRebootNode(null)} />
          </Suspense>
        )}
      </>
    );
  }
  return (
    <div className="flex min-w-0 flex-col gap-3 sm:gap-4" data-testid="plan-page">
      <h2 className="sr-only">Plan</h2>
      {body}
    </div>
  );
}
