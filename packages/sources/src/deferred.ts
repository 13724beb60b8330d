// A source whose real implementation can only be made once something outside exists (a running lab, a
// reachable host). Until then it reports itself down with the reason and retries, so the dashboard runs and
// says what is missing instead of refusing to start.
import type { ClusterSnapshot, SourceKind } from '@quorate/model';
import type { ClusterSource, ExpectedVotesOutcome, SourceCapabilities, SourceHealth } from './source';
import { Subscribable } from './subscribable';

export interface DeferredSourceOptions {
  clusterId: string;
  kind: SourceKind;
  create: () => Promise<ClusterSource>;
  retryMs?: number;
  /** called once per distinct failure message */
  onError?: (message: string) => void;
}

type SetExpectedVotes = (n: number) => Promise<ExpectedVotesOutcome | void>;

export interface DeferredSource extends ClusterSource {
  /**
   * The inner source's setExpectedVotes, forwarded. Also there while no inner source could be made yet
   * (it then rejects with the reason): the caller finds nothing observed and says so, instead of
   * "cannot set expected votes". Undefined once the inner source turns out not to have it.
   */
  readonly setExpectedVotes: SetExpectedVotes | undefined;
}

export function deferredSource(opts: DeferredSourceOptions): DeferredSource {
  const listeners = new Subscribable<ClusterSnapshot>();
  let inner: ClusterSource | null = null;
  let unsubscribe: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = true;
  let failure: string | null = 'not started';

  const attempt = async (): Promise<void> => {
    if (stopped) return;
    try {
      const source = await opts.create();
      if (stopped) return;
      unsubscribe = source.subscribe((s) => listeners.emit(s));
      await source.start();
      inner = source;
      failure = null;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== failure) opts.onError?.(message);
      failure = message;
      unsubscribe?.();
      unsubscribe = null;
      if (!stopped) timer = setTimeout(() => void attempt(), opts.retryMs ?? 3000);
    }
  };

  return {
    kind: opts.kind,
    clusterId: opts.clusterId,
    async start() {
      stopped = false;
      await attempt();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      unsubscribe?.();
      await inner?.stop();
      inner = null;
    },
    current: (): ClusterSnapshot | null => inner?.current() ?? null,
    subscribe(listener) {
      return listeners.subscribe(listener);
    },
    health: (): SourceHealth => inner?.health() ?? { state: 'down', message: failure, lastObservedAt: null },
    // the inner source's, once there is one; before, only expected votes (which then says why it cannot)
    get capabilities(): SourceCapabilities {
      if (inner === null) return { expectedVotes: { setExpectedVotes: (n: number) => this.setExpectedVotes!(n) } };
      return inner.capabilities;
    },
    get setExpectedVotes(): SetExpectedVotes | undefined {
      if (inner === null) {
        return () => Promise.reject(new Error(`cluster '${opts.clusterId}' cannot be reached: ${failure ?? 'not started'}`));
      }
      const control = inner.capabilities.expectedVotes;
      if (control === undefined) return undefined;
      return async (n) => (await control.setExpectedVotes(n)) ?? undefined;
    },
  };
}
