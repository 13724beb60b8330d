// The guided join (issue 13): one step per URL (/join?cluster=…&step=…&node=…&links=…), so a reload
// resumes where it was — all but passwords and TOTP codes, which stay in memory only (a pve cluster's
// joining node is given by its API: its address and certificate fingerprint are in the URL). Source → node & links →
// pre-flight (the server's dry run) → fingerprint (only when one is involved) → review (the predicted
// quorum) → run (the live task log) → verify (the task's proof and the live snapshot).
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { dryRunJoin, fetchJoinCandidates, joinKeys, runJoin, type JoinAsk } from '../api/join';
import { JoinerAccessNotice } from '../components/join/JoinerAccessNotice';
import { EMPTY_JOINER, joinerAccess, needsTotp, rootCredentials, type JoinerForm } from '../components/join/pve-access';
import { TotpHelp } from '../components/join/TotpHelp';
import { ClusterPicker, lacks } from '../components/join/ClusterPicker';
import { FingerprintStep, measuredFingerprint, PreflightStep, ReviewStep, RunStep, VerifyStep } from '../components/join/JoinSteps';
import { NodeStep } from '../components/join/NodeStep';
import { blobVerdict, SourceStep } from '../components/join/SourceStep';
import { StepHeading } from '../components/join/StepHeading';
import { usePageTask } from '../components/join/TaskLog';
import { linkNumbers } from '../lib/cluster';
import { useSelection } from '../lib/selection';
import { formatLinks, JOIN_STEPS, parseLinks, type JoinSearch, type JoinStep, joinSearch } from '../routes/join-search';

/** a TOTP code only once it is whole: a half-typed one would drop the joiner's access from the dry run */
const completeCode = (otp: string) => (/^\d{6,8}$/.test(otp.trim()) ? otp : '');

const TITLE: Record<JoinStep, string> = {
  source: 'Which node joins',
  node: 'Node and links',
  preflight: 'Pre-flight',
  fingerprint: 'Fingerprint',
  review: 'Review',
  run: 'Run',
  verify: 'Verify',
};

export default function JoinPage() {
  const search = joinSearch.parse(useSearch({ from: '/join' }));
  const navigate = useNavigate({ from: '/join' });
  const { clusterId, clusters, entry } = useSelection();
  const cluster = clusters.find((c) => c.id === clusterId);
  const step: JoinStep = search.step ?? 'source';
  const pve = cluster?.source === 'pve';
  // passwords and codes: memory only. Opened past the node step (a reload, a bookmark), what was typed is gone
  const [access, setAccess] = useState<JoinerForm>(() => ({ ...EMPTY_JOINER, url: search.url ?? '', fingerprint: search.jfp ?? '' }));
  const changeAccess = (patch: Partial<JoinerForm>) => setAccess((a) => ({ ...a, ...patch }));
  const [forgotten] = useState(() => JOIN_STEPS.indexOf(search.step ?? 'source') > JOIN_STEPS.indexOf('node'));
  const go = (patch: Partial<JoinSearch>) => void navigate({ search: (prev: JoinSearch) => ({ ...prev, ...patch }) });

  const id = clusterId ?? '';
  const why = lacks(cluster, 'join', 'join nodes');
  const s = entry?.snapshot;
  const links = parseLinks(search.links);
  const { result: decoded } = blobVerdict(search.info, null);
  const blob = decoded?.ok ? decoded.info : null;
  const expectedFp = search.fp ?? blob?.fingerprint ?? null;
  const clusterLinks = blob ? blob.links : s ? linkNumbers(s) : [0];

  // pve only: the joining node's API (address and fingerprint from the URL, password and code from memory), the member's password
  const joiner = pve && search.url ? joinerAccess({ url: search.url, fingerprint: search.jfp ?? '', password: access.password, otp: completeCode(access.otp) }, { requireFingerprint: false }) : null;
  const credentials = pve ? rootCredentials(access.memberPassword, '') : null;
  const ask: JoinAsk = {
    node: { name: search.node ?? '', ...(links.length > 0 ? { addresses: links } : {}) },
    ...(search.info ? { joinInfo: search.info } : search.fp ? { fingerprint: search.fp } : {}),
    ...(credentials?.ok ? { credentials: credentials.value } : {}),
    ...(joiner?.ok ? { joiner: joiner.value } : {}),
  };
  const secretsGone = pve && forgotten && access.password === '' && access.memberPassword === '';

  const candidates = useQuery({ queryKey: joinKeys.candidates(id), queryFn: () => fetchJoinCandidates(id), enabled: why === null && step === 'source', retry: false });
  const planStep = step === 'preflight' || step === 'fingerprint' || step === 'review';
  const dry = useQuery({
    queryKey: joinKeys.joinPlan(id, ask),
    queryFn: () => dryRunJoin(id, ask),
    enabled: why === null && planStep && ask.node.name !== '',
    retry: false,
    // each dry run probes the node and is audited: asked on entering a step and by Re-check, not on focus
    refetchOnWindowFocus: false,
    staleTime: 0,
    gcTime: 0,
  });
  const plan = dry.data?.plan;
  const run = useMutation({
    mutationFn: () => runJoin(id, ask),
    onSuccess: (r) => {
      accept(r.task);
      go({ step: 'run', task: r.task.id });
    },
  });
  const { task, error: taskError, accept } = usePageTask(search.task);
  const planTexts = plan?.checks.map((c) => c.measured) ?? [];
  const errorText = (e: unknown) => (e instanceof Error ? e.message : null);
  const totpAsked = pve && needsTotp([...planTexts, errorText(dry.error), errorText(run.error), task?.message, ...(task?.log.map((l) => l.line) ?? [])]);

  const afterPreflight = expectedFp ? 'fingerprint' : 'review';
  const stepNo = JOIN_STEPS.filter((x) => x !== 'fingerprint' || expectedFp).indexOf(step) + 1;
  const stepCount = expectedFp ? JOIN_STEPS.length : JOIN_STEPS.length - 1;

  return (
    <section className="panel mx-auto w-full max-w-3xl min-w-0" aria-labelledby="join-step-title" data-testid="join-page" data-step={step}>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Join a node{cluster ? ` to ${cluster.name}` : ''} · step {Math.max(stepNo, 1)} of {stepCount}
      </p>
      <StepHeading step={step} id="join-step-title">
        {TITLE[step]}
      </StepHeading>

      {step === 'source' && (
        <div className="mb-4">
          <ClusterPicker clusters={clusters} clusterId={clusterId} cap="join" onPick={(c) => void navigate({ search: (prev: JoinSearch) => ({ ...prev, cluster: c }) })} />
        </div>
      )}
      {why !== null ? (
        <p className="font-semibold" data-testid="join-unavailable">
          {why}
        </p>
      ) : step === 'source' ? (
        <SourceStep
          initial={{ node: search.node ?? '', info: search.info }}
          clusterId={clusterId ?? null}
          clusterName={s?.cluster.name ?? cluster?.name ?? null}
          candidates={candidates.data?.candidates}
          candidatesError={candidates.error}
          onNext={(v) => go({ step: 'node', node: v.node, info: v.info, ...(v.links ? { links: formatLinks(v.links) } : {}) })}
        />
      ) : step === 'node' ? (
        <NodeStep
          node={search.node ?? ''}
          linkNumbers={clusterLinks}
          initial={links}
          {...(pve ? { pve: { clusterId: id, value: access, onChange: changeAccess, totpAsked } } : {})}
          passwordForgotten={forgotten}
          onBack={() => go({ step: 'source' })}
          onNext={(v) => go({ step: 'preflight', links: formatLinks(v.links), ...(v.joiner ? { url: v.joiner.url, jfp: v.joiner.fingerprint || undefined } : {}) })}
        />
      ) : step === 'preflight' ? (
        <>
          {secretsGone && (
            <p className="mb-2 text-sm font-semibold" role="note" data-testid="password-forgotten">
              After a reload the passwords and the TOTP code are empty (they are kept in memory only): go Back to the node step to type them again.
            </p>
          )}
          {pve && plan && <JoinerAccessNotice node={search.node ?? ''} texts={planTexts} otp={access.otp} onOtp={(otp) => changeAccess({ otp })} />}
          <PreflightStep
            plan={plan}
            error={dry.error}
            fetching={dry.isFetching}
            onRecheck={() => void dry.refetch()}
            onBack={() => go({ step: 'node' })}
            onNext={() => go({ step: afterPreflight })}
          />
        </>
      ) : step === 'fingerprint' && expectedFp ? (
        <FingerprintStep expected={expectedFp} measured={measuredFingerprint(plan)} onBack={() => go({ step: 'preflight' })} onNext={() => go({ step: 'review' })} />
      ) : step === 'review' || step === 'fingerprint' ? (
        <ReviewStep
          node={search.node ?? ''}
          clusterName={s?.cluster.name ?? cluster?.name ?? ''}
          links={links}
          plan={plan}
          error={dry.error}
          running={run.isPending}
          runError={run.error}
          onBack={() => go({ step: 'preflight' })}
          onRun={() => run.mutate()}
        />
      ) : (step === 'run' || step === 'verify') && search.task === undefined ? (
        <p data-testid="join-no-task">
          This address names no task.{' '}
          <button type="button" className="btn min-h-11" onClick={() => go({ step: 'review' })}>
            Back to the review
          </button>
        </p>
      ) : step === 'run' ? (
        <RunStep task={task} error={taskError} onVerify={() => go({ step: 'verify' })} onRestart={() => go({ step: 'preflight', task: undefined })}>
          {totpAsked && task?.status === 'failed' && <TotpHelp node={search.node ?? ''} testId="run-totp-help" />}
        </RunStep>
      ) : (
        <VerifyStep task={task} node={search.node ?? ''} s={s} />
      )}
    </section>
  );
}
