// Wiring: config -> store -> sources -> collectors -> REST + socket gateway + metrics + web app. No logic of its own.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { checkPrivateFile, openStore, type Store } from '@quorate/store';
import { hostChecker } from './auth/hosts';
import { authenticate, csrfProtect, requireRole } from './auth/middleware';
import { deviceCookieKey } from './auth/device-cookie';
import { SignInGuard, type SignInLimits } from './auth/sign-in-guard';
import { AnonymousFailures, type AggregateOptions } from './audit/anonymous-failures';
import { auditAttempts } from './audit/attempts';
import { recordUnaudited } from './audit/unaudited';
import { ClusterAdmin } from './cluster-admin';
import { clusterBuilder, stopCluster } from './cluster-build';
import { ClusterRegistry, type Cluster } from './clusters';
import type { ClusterConfig } from './cluster-entry';
import type { Collector } from './collector';
import { ConfigError, type Config } from './config';
import { clientIp, type AppContext } from './context';
import { recoverTasks } from './operations/resume';
import type { EventStore } from './event-store';
import { createGateway, type GatewayServer } from './gateway';
import { HttpError, apiNotFound, errorHandler } from './http-errors';
import { LinkSeriesService } from './link-series';
import { Incidents } from './incidents';
import { AlertDispatcher, type SendFn } from './alerts/dispatcher';
import { pingDeadman, sendTo, type ChannelTarget } from '@quorate/alerts';
import { DeadmanSwitch, type PingFn } from './alerts/deadman';
import { alertsRouter } from './routes/alerts';
import { createLogger, httpLogger, type Logger } from './logger';
import { createMetrics, type QuorateMetrics } from './metrics';
import { storeEventStores } from './persistence/store-events';
import { authRouter } from './routes/auth';
import { clustersRouter } from './routes/clusters';
import { eventsRouter } from './routes/events';
import { healthRouter } from './routes/health';
import { historyRouter } from './routes/history';
import { linksRouter } from './routes/links';
import { incidentsRouter } from './routes/incidents';
import { metricsRouter } from './routes/metrics';
import { OPERATIONS, operationsRouter } from './routes/operations';
import { settingsRouter } from './routes/settings';
import { simRouter } from './routes/sim';
import { snapshotRouter } from './routes/snapshot';
import { tasksRouter } from './routes/tasks';
import { tokensRouter } from './routes/tokens';
import { usersRouter } from './routes/users';
import { noStore, securityHeaders } from './security';
import type { SocketLimits } from './socket-limits';
import { sourceFactory, type SourceFactory } from './sources';
import { SshIdentityCache } from './ssh-identity';
import { sshKeyRouter } from './routes/ssh-key';
import { TaskRunner } from './tasks/runner';
import { TimelineRecorder } from './timeline/recorder';
import { timelineRouter } from './timeline/routes';
import { webRouter } from './web';
import { createReplication } from './replicas/replication';
import { forwardLedElsewhere } from './replicas/forward';
import { whatifRouter } from './routes/whatif';

export interface ServerDeps {
  logger?: Logger;
  createSource?: SourceFactory;
  /** default: the store's events; tests give their own (store: the server's, for what is committed with them) */
  createEventStore?: (clusterId: string, store: Store) => EventStore;
  /** an open store (tests); default: openStore on config.dataDir, closed with the server */
  store?: Store;
  /** rev of each collector's first snapshot (see CollectorOptions.firstRev) */
  firstRev?: number;
  /** patches kept per cluster for resuming clients */
  patchCapacity?: number;
  signInLimits?: SignInLimits;
  /** how unknown callers' failures are tallied (default: per address per minute) */
  anonymousAudit?: AggregateOptions;
  /** how often retention is applied (default hourly) */
  pruneIntervalMs?: number;
  /** socket bounds (config's maxSocketsPerIdentity wins for that one) */
  socketLimits?: Partial<SocketLimits>;
  /** sim state / baseline saves, other than with events and after faults, at most this often (default 60 s) */
  checkpointThrottleMs?: number;
  /** how an alert reaches a channel (default: @quorate/alerts' sendTo); tests count calls or fail on purpose */
  sendAlert?: SendFn;
  /** the alert dispatcher's retry waits (default RETRY_DELAYS_MS) and tick (default 1 s) */
  alertRetryDelaysMs?: readonly number[];
  alertTickMs?: number;
  pingDeadman?: PingFn;
  /** the dead-man's switch's interval, ms per configured second (default 1000; tests shorten it) */
  deadmanMsPerSecond?: number;
}

export interface QuorateServer {
  app: Express;
  httpServer: HttpServer | HttpsServer;
  io: GatewayServer;
  /** each cluster's collector, by cluster id (a fresh map of the clusters watched now) */
  readonly collectors: Map<string, Collector>;
  clusters: ClusterRegistry;
  /** long operations (202 → task) */
  tasks: TaskRunner;
  /** the /metrics registry, and the alert dispatcher's hook (alertDelivered) */
  metrics: QuorateMetrics;
  /** alerting: the engine fed from the incidents, the channels, the delivery log */
  alerts: AlertDispatcher;
  logger: Logger;
  store: Store;
  /** write what waits for its window now (the anonymous failures' tallies): tests and shutdown */
  flushAudit(): Promise<void>;
  /** bootstrap the admin, start the sources and listen on config.host:config.port (0 = any free port) */
  start(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

/** JSON bodies are small here (a fault, an operation, a user); anything bigger is a mistake or an attack */
const JSON_LIMIT = '64kb';
const HOUR_MS = 3_600_000;

function tlsServer(config: Config, app: Express): HttpsServer {
  const { certFile, keyFile } = config.tls!;
  try {
    checkPrivateFile(keyFile);
  } catch (err) {
    throw new ConfigError(`QUORATE_TLS_KEY: ${(err as Error).message}`);
  }
  const read = (variable: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConfigError(`${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  try {
    return createHttpsServer({ cert: read('QUORATE_TLS_CERT', certFile), key: read('QUORATE_TLS_KEY', keyFile) }, app);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`QUORATE_TLS_CERT/QUORATE_TLS_KEY: not a usable certificate and key (${(err as Error).message})`);
  }
}

export async function createServer(config: Config, deps: ServerDeps = {}): Promise<QuorateServer> {
  // a corruption error logged anywhere marks the store corrupt (/healthz says so), once the store exists
  let noteError: ((err: unknown) => void) | null = null;
  const logger = deps.logger ?? createLogger(config.logLevel, undefined, config.logFormat, (err) => noteError?.(err));
  const ownStore = deps.store === undefined;
  const store =
    deps.store ??
    (await openStore({
      // replicas share one PostgreSQL (and one key file: loadConfig insists); else SQLite in the data dir
      ...(config.database ? { url: config.database.url } : { dataDir: config.dataDir }),
      ...(config.secretKeyFile !== undefined ? { keyFile: config.secretKeyFile } : {}),
      onCorrupt: (row) => logger.warn(row, 'skipped a corrupt row in the database'),
      onWarning: (message) => logger.warn(message),
    }));
  noteError = (err) => store.noteError(err);
  try {
    // the sources ask for Quorate's SSH key synchronously, when they connect: it is read up front
    const ssh = new SshIdentityCache(store.secrets);
    await ssh.load();
    const makeSource = deps.createSource ?? sourceFactory({ sshIdentity: () => ssh.privateKey() });
    return await assemble(config, deps, logger, makeSource, store, ownStore, ssh);
  } catch (err) {
    if (ownStore) await store.close();
    throw err;
  }
}

async function assemble(config: Config, deps: ServerDeps, logger: Logger, makeSource: SourceFactory, store: Store, ownStore: boolean, ssh: SshIdentityCache): Promise<QuorateServer> {
  if (config.apiToken !== null) await store.tokens.ensureStatic(config.apiToken, 'operator');
  const makeEvents = deps.createEventStore ? (clusterId: string) => deps.createEventStore!(clusterId, store) : storeEventStores(store);

  const tasksBusy = new Set<string>();
  const build = clusterBuilder({
    store,
    logger,
    makeSource,
    makeEvents,
    telemetryMinMs: config.telemetryMinMs,
    ...(deps.firstRev !== undefined ? { firstRev: deps.firstRev } : {}),
    ...(deps.patchCapacity !== undefined ? { patchCapacity: deps.patchCapacity } : {}),
    ...(deps.checkpointThrottleMs !== undefined ? { checkpointThrottleMs: deps.checkpointThrottleMs } : {}),
  });
  // replicas: every cluster is listed mirrored; the replica holding a cluster's lease runs it (replicas/)
  let ctxForTasks: AppContext | null = null;
  const replication = config.database
    ? createReplication({
        url: config.database.url,
        redisUrl: config.database.redisUrl,
        ttlMs: config.database.leaseTtlMs,
        store,
        clusters: () => clusters,
        build,
        makeEvents,
        logger,
        // the tasks the former holder left running: ended, or followed on from here
        onLead: async (clusterId) => (await recoverTasks(ctxForTasks!, [...OPERATIONS], clusterId))(),
        // clusterAdmin exists by the time a cluster changes
        configOf: (row): Promise<ClusterConfig | null> => clusterAdmin.configOf(row),
      })
    : null;
  const list = (c: ClusterConfig): Promise<Cluster> => (replication ? Promise.resolve(replication.mirrorOf(c)) : build(c));
  // the configured clusters, then those added through the API (a stored default wins over the configured one)
  const clusters: ClusterRegistry = new ClusterRegistry(await Promise.all(config.clusters.map(list)));
  const clusterAdmin: ClusterAdmin = new ClusterAdmin({
    store,
    clusters,
    build: list,
    kindDefaults: config.kindDefaults,
    logger,
    busy: tasksBusy,
    ...(replication ? { changed: (id: string) => replication.clusterChanged(id) } : {}),
  });
  for (const stored of await clusterAdmin.stored(config.clusters)) clusters.put(await list(stored));

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  const httpServer = config.tls ? tlsServer(config, app) : createHttpServer(app);
  const origins = { allowedOrigins: config.allowedOrigins, trustProxy: config.trustProxy };
  const hostRefusal = hostChecker({ allowedHosts: config.allowedHosts, allowedOrigins: config.allowedOrigins, trustProxy: config.trustProxy, listenHost: config.host });
  const io = createGateway(httpServer, clusters, logger, { store, origins, hostRefusal }, { ...deps.socketLimits, maxPerIdentity: config.maxSocketsPerIdentity });
  clusterAdmin.attach(io);
  await replication?.attach(io);
  const tasks = new TaskRunner(store, io, logger);
  const metrics = createMetrics(clusters, io, replication?.counters);
  const anonymous = new AnonymousFailures(store, (err) => logger.error({ err }, 'could not write the audit record'), deps.anonymousAudit);
  const signIn = await SignInGuard.open(store.limiter, deps.signInLimits, (err) => logger.warn({ err }, 'sign-in limits: could not sweep expired rows'));
  const ctx: AppContext = { config, store, clusters, logger, io, signIn, deviceKey: await deviceCookieKey(store), anonymous, origins, tasks, clusterAdmin, busy: tasksBusy, ssh };
  ctxForTasks = ctx;
  const incidents = new Incidents(clusters, io, logger);
  const alerts = new AlertDispatcher({
    store,
    clusters,
    incidents,
    logger,
    send: deps.sendAlert ?? ((c, n, o) => sendTo(c as ChannelTarget, n, o)),
    delivered: (type, result) => metrics.alertDelivered(type, result),
    publicUrl: config.allowedOrigins[0] ?? null,
    ...(deps.alertRetryDelaysMs ? { retryDelaysMs: deps.alertRetryDelaysMs } : {}),
    ...(deps.alertTickMs ? { tickMs: deps.alertTickMs } : {}),
  });
  const deadman = new DeadmanSwitch(store, deps.pingDeadman ?? ((url, o) => pingDeadman(url, o)), logger, deps.deadmanMsPerSecond !== undefined ? (s) => s * deps.deadmanMsPerSecond! : undefined);
  const linkSeries = new LinkSeriesService(store, clusters, logger);
  const timeline = new TimelineRecorder(store, clusters, logger);
  const attempts = auditAttempts(recordUnaudited(ctx), anonymous, clientIp);

  // before anything else, the static files included: a rebound page must not even read the app
  app.use((req, _res, next) => {
    const refused = hostRefusal(req.headers);
    next(refused ? new HttpError(403, refused) : undefined);
  });
  app.use(securityHeaders());
  app.use(httpLogger(logger));
  app.use(healthRouter(clusters, store));
  app.use('/metrics', authenticate(store), requireRole('viewer'));
  app.use(metricsRouter(metrics));

  app.use('/api', noStore);
  const api = express.Router();
  api.use(authenticate(store));
  // every attempt is audited, also those refused by the CSRF check or the body parser
  api.use(attempts.begin);
  api.use(csrfProtect(['/auth/setup', '/auth/login']));
  api.use(express.json({ limit: JSON_LIMIT }));
  api.use(attempts.enter);
  // public
  api.use(healthRouter(clusters, store));
  api.use(authRouter(ctx));
  // everything else: signed in (viewer+); routes ask for more where they change something
  api.use(requireRole('viewer'));
  api.use(clustersRouter(ctx));
  api.use(sshKeyRouter(ctx));
  api.use(tasksRouter(ctx));
  api.use(snapshotRouter(clusters));
  api.use(eventsRouter(clusters));
  api.use(incidentsRouter(clusters, incidents));
  api.use(alertsRouter(ctx, alerts, deadman));
  api.use(historyRouter(ctx));
  api.use(linksRouter(clusters, linkSeries));
  api.use(whatifRouter(clusters, linkSeries));
  api.use(timelineRouter(clusters, store, timeline));
  api.use(simRouter(ctx));
  api.use(operationsRouter(ctx));
  api.use(usersRouter(ctx));
  api.use(tokensRouter(ctx));
  api.use(settingsRouter(ctx, linkSeries, timeline));
  api.use(apiNotFound);
  app.use('/api/v1', api);
  app.use('/api', apiNotFound);

  app.use(webRouter(config.webDist));
  // replicas: what needs the collector of a cluster another replica runs goes there
  if (replication) app.use(forwardLedElsewhere(replication.holderUrl));
  app.use(errorHandler(logger, store));

  let started = false;
  let pruneTimer: ReturnType<typeof setInterval> | null = null;
  const prune = async () => {
    try {
      const n = await store.prune();
      if (n.events + n.audit > 0) logger.info(n, 'retention: pruned old records');
      await linkSeries.prune();
      await timeline.prune((await store.settings.retention.get()).timeline);
    } catch (err) {
      logger.error({ err }, 'retention: prune failed');
    }
  };
  /** the hourly round: retention, then a quick_check (damage no request has read yet still turns /healthz to down) */
  const hourly = async () => {
    await prune();
    const health = await store.checkIntegrity();
    if (health.state === 'corrupt') logger.error({ store: health }, 'database integrity check failed');
  };

  return {
    app,
    httpServer,
    io,
    get collectors() {
      return new Map(clusters.all().flatMap((c) => (c.collector ? [[c.config.id, c.collector] as const] : [])));
    },
    clusters,
    tasks,
    metrics,
    alerts,
    logger,
    store,
    flushAudit: () => anonymous.flush(),
    async start() {
      if (!started) {
        started = true;
        await bootstrapAdmin(config, store, logger);
        // replicas: a cluster's tasks are recovered by the replica that takes its lease (onLead)
        const followTasks = replication ? () => {} : await recoverTasks(ctx, [...OPERATIONS]);
        await prune();
        pruneTimer = setInterval(() => void hourly(), deps.pruneIntervalMs ?? HOUR_MS);
        pruneTimer.unref();
        // the link trackers have their thresholds and saved state before the first observation
        await linkSeries.ready();
        await Promise.all(clusters.all().map((c) => c.collector?.start()));
        // the mirrors ask the holders for their snapshots (not awaited: a cluster nobody runs yet waits for one)
        if (replication) void replication.startMirrors().catch((err: unknown) => logger.error({ err }, 'replicas: a mirror could not start'));
        await incidents.ready();
        followTasks();
        await alerts.start();
        await deadman.start();
      }
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      const { port } = httpServer.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      const url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;
      // listening: the other replicas can forward here, so this one may take its share of the clusters
      if (replication && replication.holder() === null) await replication.lead(config.database?.replicaUrl ?? url);
      return { url, port };
    },
    async close() {
      if (pruneTimer) clearInterval(pruneTimer);
      // the leases go back first: the other replicas take the clusters over at once
      await replication?.stop();
      await Promise.all([alerts.stop(), deadman.stop()]);
      clusterAdmin.detach();
      // io.close() disconnects the sockets and closes the HTTP server
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      await replication?.close();
      // the sources are still now: what they hold is what the next start resumes
      await Promise.all(clusters.all().map(stopCluster));
      await tasks.flush();
      await anonymous.flush();
      signIn.stop();
      httpServer.closeAllConnections();
      if (ownStore) await store.close();
    },
  };
}

/** QUORATE_ADMIN_PASSWORD: the headless first run. Ignored once any user exists. */
async function bootstrapAdmin(config: Config, store: Store, logger: Logger): Promise<void> {
  const { username, password } = config.admin;
  if (password === null) {
    return;
  }
  if ((await store.users.count()) > 0) {
    logger.info('QUORATE_ADMIN_PASSWORD ignored: users exist (reset a password with npm run admin -- reset-password <user>)');
    return;
  }
  const user = await store.users.create({ username, password, role: 'admin' });
  await store.audit.record({
    actor: { kind: 'system', id: 'environment', name: 'QUORATE_ADMIN_PASSWORD' },
    role: 'admin',
    operation: 'setup',
    clusterId: null,
    params: { username: user.username },
    confirmed: true,
    result: 'ok',
    message: `first admin account '${user.username}' created from QUORATE_ADMIN_PASSWORD`,
  });
  logger.info({ username: user.username }, 'admin account created from QUORATE_ADMIN_PASSWORD');
}
