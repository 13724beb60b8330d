// Entry point: read the config, start the server, stop cleanly on SIGINT/SIGTERM.
import { createServer } from './app';
import { ConfigError, loadConfig } from './config';

let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`quorate: ${err.message}\n`);
  process.exit(2);
}

let server;
try {
  server = await createServer(config);
} catch (err) {
  // a bad TLS key file, a key file others can read, a database from a newer Quorate, ...
  process.stderr.write(`quorate: ${(err as Error).message}\n`);
  process.exit(2);
}
const { logger } = server;
try {
  const { url } = await server.start();
  logger.info({ url, dataDir: config.dataDir, clusters: config.clusters.map((c) => `${c.id} (${c.source})`) }, `Quorate listening on ${url}`);
  // the first-run hint, with the address to open, as the last line a newcomer reads
  if ((await server.store.users.count()) === 0) logger.info(`first run: open ${url} in a browser to create the admin account`);
} catch (err) {
  logger.fatal({ err }, 'could not start');
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // a stuck source must not keep the process alive forever
    const force = setTimeout(() => {
      logger.warn('shutdown timed out; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
