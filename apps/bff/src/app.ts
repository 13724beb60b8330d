// Wiring: config -> sources -> collectors -> REST + socket gateway + metrics + web app. No logic of its own.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import { ClusterRegistry } from './clusters';
import { Collector } from './collector';
import type { Config } from './config';
import { memoryEventStores, type EventStoreFactory } from './event-store';
import { createGateway, type GatewayServer } from './gateway';
import { apiNotFound, errorHandler } from './http-errors';
import { createLogger, httpLogger, type Logger } from './logger';
import { createMetrics } from './metrics';
import { clustersRouter } from './routes/clusters';
import { eventsRouter } from './routes/events';
import { healthRouter } from './routes/health';
import { metricsRouter } from './routes/metrics';
import { simRouter } from './routes/sim';
import { snapshotRouter } from './routes/snapshot';
import { securityHeaders } from './security';
import { createSource, type SourceFactory } from './sources';
import { webRouter } from './web';

export interface ServerDeps {
  logger?: Logger;
  createSource?: SourceFactory;
  createEventStore?: EventStoreFactory;
  /** rev of each collector's first snapshot (see CollectorOptions.firstRev) */
  firstRev?: number;
  /** patches kept per cluster for resuming clients */
  patchCapacity?: number;
}

export interface QuorateServer {
  app: Express;
  httpServer: HttpServer;
  io: GatewayServer;
  collectors: Map<string, Collector>;
  clusters: ClusterRegistry;
  metrics: Registry;
  logger: Logger;
  /** start the sources and listen on config.host:config.port (0 = any free port) */
  start(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

/** JSON bodies are small here (a fault, later an operation); anything bigger is a mistake or an attack */
const JSON_LIMIT = '64kb';

export function createServer(config: Config, deps: ServerDeps = {}): QuorateServer {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const makeSource = deps.createSource ?? createSource;
  const makeStore = deps.createEventStore ?? memoryEventStores;

  const collectors = new Map<string, Collector>();
  const clusters = new ClusterRegistry(
    config.clusters.map((cluster) => {
      const source = makeSource(cluster, (message) => logger.warn(message));
      if (source.clusterId !== cluster.id) throw new Error(`source for cluster '${cluster.id}' reports cluster id '${source.clusterId}'`);
      const collector = new Collector({
        source,
        store: makeStore(cluster.id),
        logger,
        ...(deps.firstRev !== undefined ? { firstRev: deps.firstRev } : {}),
        ...(deps.patchCapacity !== undefined ? { patchCapacity: deps.patchCapacity } : {}),
      });
      collectors.set(cluster.id, collector);
      return { config: cluster, collector };
    }),
  );

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const httpServer = createHttpServer(app);
  const io = createGateway(httpServer, clusters, logger);
  const metrics = createMetrics(clusters, io);

  app.use(securityHeaders());
  app.use(httpLogger(logger));
  app.use(healthRouter(clusters));
  app.use(metricsRouter(metrics));

  const api = express.Router();
  api.use(express.json({ limit: JSON_LIMIT }));
  api.use(healthRouter(clusters));
  api.use(clustersRouter(clusters));
  api.use(snapshotRouter(clusters));
  api.use(eventsRouter(clusters));
  api.use(simRouter(clusters));
  api.use(apiNotFound);
  app.use('/api/v1', api);
  app.use('/api', apiNotFound);

  app.use(webRouter(config.webDist));
  app.use(errorHandler(logger));

  let started = false;
  return {
    app,
    httpServer,
    io,
    collectors,
    clusters,
    metrics,
    logger,
    async start() {
      if (!started) {
        started = true;
        await Promise.all([...collectors.values()].map((c) => c.start()));
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
      return { url: `http://${host}:${port}`, port };
    },
    async close() {
      // io.close() disconnects the sockets and closes the HTTP server
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      await Promise.all([...collectors.values()].map((c) => c.stop()));
      httpServer.closeAllConnections();
    },
  };
}
