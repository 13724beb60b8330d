// The live cache: one socket feeds TanStack Query. Snapshot -> setQueryData; patches -> applyPatch;
// events -> appended (deduped by seq) to the events query, whose first page comes from REST; incidents ->
// replaced by id in the incidents query (REST too, reloaded on every subscribe: the socket does not replay them);
// the cluster list -> replaced whole, or the states that changed merged in.
// On reconnect we re-subscribe with our last rev and seq so the BFF can resume with patches.
import { useEffect } from 'react';
import { queryOptions, skipToken, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import {
  applyPatch,
  mergeClusterStates,
  type ClusterEvent,
  type ClusterList,
  type ClusterStates,
  type Incident,
  type IncidentChange,
  type IncidentList,
  type PatchMessage,
  type SnapshotMessage,
  type SubscribeAck,
  type SubscribeRequest,
  type Task,
  type TaskMessage,
} from '@quorate/model';
import { fetchRecentEvents } from '../api/clusters';
import { queryKeys } from '../api/keys';
import { applyTaskMessage } from '../api/tasks';
import { applyIncidentChange, fetchIncidents, mergeIncidents } from '../api/incidents';
import { mergeEvents, nextEntry, resumeSeq, type SnapshotEntry } from './cache';
import { announceFreshness, catchUpText, setConnection } from './connection';
import { reportUnauthorized } from '../api/http';
import { patchArrived } from './render-probe';
import { loadSocket, type AppSocket } from './socket';

const SUBSCRIBE_TIMEOUT_MS = 10_000;

function eventsQueryOptions(qc: QueryClient, clusterId: string | null) {
  return queryOptions<ClusterEvent[]>({
    queryKey: queryKeys.events(clusterId ?? ''),
    // merge, so events the socket delivered while the page loaded are kept
    queryFn: clusterId
      ? async () => mergeEvents(qc.getQueryData<ClusterEvent[]>(queryKeys.events(clusterId)), await fetchRecentEvents(clusterId))
      : skipToken,
    staleTime: Infinity,
    gcTime: Infinity,
    retry: 3,
  });
}

/** when the socket brought each incident copy: a fetch keeps those that came while it was on its way */
const incidentArrivals = new WeakMap<Incident, number>();

function incidentsQueryOptions(qc: QueryClient, clusterId: string | null) {
  return queryOptions<IncidentList>({
    queryKey: queryKeys.incidents(clusterId ?? ''),
    queryFn: clusterId
      ? async () => {
          const started = Date.now();
          const fetched = await fetchIncidents(clusterId);
          const cached = qc.getQueryData<IncidentList>(queryKeys.incidents(clusterId));
          return mergeIncidents(cached, fetched, (i) => (incidentArrivals.get(i) ?? -Infinity) >= started);
        }
      : skipToken,
    staleTime: Infinity,
    gcTime: Infinity,
    retry: 3,
  });
}

export function useClusterLive(clusterId: string | null): void {
  const qc = useQueryClient();
  // initial events page and incidents (REST); afterwards the socket keeps them
  useQuery(eventsQueryOptions(qc, clusterId));
  useQuery(incidentsQueryOptions(qc, clusterId));

  useEffect(() => {
    if (!clusterId) return;
    let stop: (() => void) | null = null;
    let gone = false;
    loadSocket().then(
      (socket) => {
        if (!gone) stop = follow(qc, socket, clusterId);
      },
      (err: Error) => {
        if (!gone) setConnection({ status: 'offline', error: `the live connection could not be loaded (${err.message}); reload the page` });
      },
    );
    return () => {
      gone = true;
      stop?.();
    };
  }, [clusterId, qc]);
}

/** subscribe to one cluster on the socket and keep its cache entries current; returns the unsubscribe */
function follow(qc: QueryClient, socket: AppSocket, clusterId: string): () => void {
  const snapKey = queryKeys.snapshot(clusterId);
  const eventsKey = queryKeys.events(clusterId);
  const incidentsKey = queryKeys.incidents(clusterId);
  let resyncing = false;
  let everSubscribed = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const current = () => qc.getQueryData<SnapshotEntry>(snapKey);
  // the newest event we hold with none missing below it; 0 when the timeline was loaded and empty (so a
  // resume still counts what we missed)
  const lastSeq = () => {
    const events = qc.getQueryData<ClusterEvent[]>(eventsKey);
    return events ? resumeSeq(events) : undefined;
  };

  const subscribe = (resume: boolean) => {
    const req: SubscribeRequest = { clusterId };
    const entry = current();
    const seq = lastSeq();
    if (resume && entry) req.rev = entry.rev;
    if (resume && seq !== undefined) req.seq = seq;
    socket.timeout(SUBSCRIBE_TIMEOUT_MS).emit('subscribe', req, (err: Error | null, ack?: SubscribeAck) => {
      if (disposed) return;
      if (err || !ack) {
        setConnection({ error: 'the server did not answer the subscription' });
        retry();
        return;
      }
      if (!ack.ok) {
        resyncing = false;
        setConnection({ error: ack.error });
        retry();
        return;
      }
      setConnection({ status: 'live', error: null, resumed: ack.resumed });
      // the server is back: what failed while it was away (the feed's first page, a page's list) asks again,
      // so no "cannot be reached" stays on screen after the connection is
      void qc.refetchQueries({ type: 'active', predicate: (q) => q.state.status === 'error' });
      // incidents are not replayed on a (re)subscribe: what changed before we were in the room comes from
      // REST, merged with the socket's messages that arrive meanwhile
      void qc.invalidateQueries({ queryKey: incidentsKey });
      if (everSubscribed && resume) {
        // say briefly how the page caught up after the gap (disconnect or BFF restart)
        announceFreshness(catchUpText(ack.resumed, ack.catchUp));
        // the BFF no longer had our events (or could not say): reload the feed from REST
        if (ack.catchUp?.tooFarBehind || (!ack.catchUp && ack.resumed === 'snapshot')) void qc.invalidateQueries({ queryKey: eventsKey });
      }
      everSubscribed = true;
    });
  };

  const retry = () => {
    if (retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (!disposed && socket.connected) subscribe(false);
    }, 1000 + Math.random() * 1000);
  };

  /** our rev does not fit the patch: ask for a fresh snapshot (once until it arrives) */
  const resync = () => {
    if (resyncing) return;
    resyncing = true;
    subscribe(false);
  };

  const onSnapshot = (msg: SnapshotMessage) => {
    if (msg.clusterId !== clusterId) return;
    resyncing = false;
    qc.setQueryData<SnapshotEntry>(snapKey, (prev) => nextEntry(prev, msg.rev, msg.snapshot, Date.now()));
  };

  const onPatch = (msg: PatchMessage) => {
    if (msg.clusterId !== clusterId) return;
    patchArrived();
    const entry = current();
    const { patch } = msg;
    if (entry && patch.rev <= entry.rev) return; // already have it
    if (!entry || patch.baseRev !== entry.rev) {
      resync();
      return;
    }
    qc.setQueryData<SnapshotEntry>(snapKey, nextEntry(entry, patch.rev, applyPatch(entry.snapshot, patch), Date.now()));
  };

  const onEvent = (event: ClusterEvent) => {
    if (event.clusterId !== clusterId) return;
    qc.setQueryData<ClusterEvent[]>(eventsKey, (old) => mergeEvents(old, [event]));
  };

  const onIncident = (msg: IncidentChange) => {
    if (msg.incident.clusterId !== clusterId) return;
    incidentArrivals.set(msg.incident, Date.now());
    qc.setQueryData<IncidentList>(incidentsKey, (old) => applyIncidentChange(old, msg));
  };

  // a task's messages keep its cached copy live, for whoever shows it (the operation dialog)
  const onTask = (msg: TaskMessage) => {
    if (msg.task.clusterId !== clusterId) return;
    qc.setQueryData<Task>(queryKeys.task(msg.task.id), (old) => applyTaskMessage(old, msg));
    // ended: read the stored log once more — a poll answered just before a line, and applied after it, drops
    // that line from the cached copy, and no later poll (the task is over) would bring it back
    if (msg.task.status !== 'running') void qc.invalidateQueries({ queryKey: queryKeys.task(msg.task.id) });
  };
  // the cluster list changed (added, renamed, removed): the picker and the page follow
  const onClusters = (list: ClusterList) => {
    qc.setQueriesData<ClusterList>({ queryKey: ['clusters'] }, () => list);
  };
  // some clusters' states changed (health, votes, nodes): merged into the list held
  const onClusterStates = (msg: ClusterStates) => {
    qc.setQueriesData<ClusterList>({ queryKey: ['clusters'] }, (old) => (old ? mergeClusterStates(old, msg) : old));
  };

  const onConnect = () => {
    setConnection({ status: 'connecting', error: null });
    subscribe(true);
  };
  const onDisconnect = (reason: string) => {
    setConnection({ status: 'reconnecting', error: reason === 'io client disconnect' ? null : `connection lost (${reason})` });
    // the server closed us on purpose: socket.io does not reconnect by itself then
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 500 + Math.random() * 1000);
  };
  const onConnectError = (err: Error) => {
    // the session expired or was revoked: socket.io will not retry a refused handshake; go to login
    if (err.message === 'unauthorized') {
      setConnection({ status: 'offline', error: 'not signed in' });
      reportUnauthorized();
      return;
    }
    // socket.io's own words ("xhr poll error", "websocket error") only as the detail; a handshake the server
    // refused (not active) is tried again by socket-open.ts
    setConnection({ status: 'reconnecting', error: `the server ${socket.active ? 'cannot be reached' : 'refused the connection'} (${err.message})` });
  };

  socket.on('snapshot', onSnapshot);
  socket.on('patch', onPatch);
  socket.on('event', onEvent);
  socket.on('incident', onIncident);
  socket.on('task', onTask);
  socket.on('clusters', onClusters);
  socket.on('clusterStates', onClusterStates);
  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on('connect_error', onConnectError);
  if (socket.connected) subscribe(true);
  else socket.connect();

  return () => {
    disposed = true;
    if (retryTimer) clearTimeout(retryTimer);
    socket.off('snapshot', onSnapshot);
    socket.off('patch', onPatch);
    socket.off('event', onEvent);
    socket.off('incident', onIncident);
    socket.off('task', onTask);
    socket.off('clusters', onClusters);
    socket.off('clusterStates', onClusterStates);
    socket.off('connect', onConnect);
    socket.off('disconnect', onDisconnect);
    socket.off('connect_error', onConnectError);
  };
}

/** Views read the live cache; they never fetch what the socket pushes. */
export function useSnapshot(clusterId: string | null): SnapshotEntry | undefined {
  return useQuery<SnapshotEntry>({
    queryKey: queryKeys.snapshot(clusterId ?? ''),
    queryFn: skipToken,
    staleTime: Infinity,
    gcTime: Infinity,
    // applyPatch already keeps what did not change; comparing thousands of links again per patch is waste
    structuralSharing: false,
  }).data;
}

export function useEvents(clusterId: string | null): { events: ClusterEvent[]; loading: boolean; error: Error | null } {
  const qc = useQueryClient();
  const q = useQuery(eventsQueryOptions(qc, clusterId));
  return { events: q.data ?? [], loading: q.isPending && clusterId !== null, error: q.error };
}

/** the cluster's incidents, newest first (empty while loading or for a `?sample=` page without any) */
export function useIncidents(clusterId: string | null): Incident[] {
  const qc = useQueryClient();
  return useQuery(incidentsQueryOptions(qc, clusterId)).data?.incidents ?? EMPTY_INCIDENTS;
}
const EMPTY_INCIDENTS: Incident[] = [];
