// The BFF as one file: apps/bff/src/main.ts and everything it imports (the @quorate/* workspace packages are
// TypeScript sources, so they are bundled in; so are the npm dependencies) in apps/bff/dist/main.js, which
// `npm start` runs with plain `node`. `node apps/bff/build.mjs` builds it; scripts/start.mjs calls buildBff().
//
// dist/main.js sits as deep under the repository as src/main.ts did, so config.ts's
// `resolve(dirname(fileURLToPath(import.meta.url)), '../../..')` is the repository root either way.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** loaded from node_modules at run time, never bundled */
export const EXTERNAL = [
  'better-sqlite3', // a native addon (and it finds its .node file relative to its own package)
  'ssh2', // native optional parts (cpu-features, its crypto binding), required lazily
  'cpu-features',
  'bufferutil', // ws's optional native speed-ups, required in a try: absent is fine
  'utf-8-validate',
];

export const OUTFILE = join(here, 'dist', 'main.js');

/**
 * Bundles src/main.ts into `outfile` (ESM, Node 20). CommonJS dependencies (express, pino, socket.io, ...)
 * call require() for Node's built-ins and the externals: an ES module has none, so the banner makes one.
 * (Their __dirname uses are on paths this BFF does not take: socket.io's client files, serveClient is off;
 * pino's transports, the logger writes to a stream.)
 */
export async function buildBff({ outfile = OUTFILE, logLevel = 'warning' } = {}) {
  return build({
    entryPoints: [join(here, 'src', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    sourcemap: 'linked',
    banner: { js: "import { createRequire as __quorateCreateRequire } from 'node:module';\nconst require = __quorateCreateRequire(import.meta.url);" },
    logLevel,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildBff();
  console.log(`bff: built ${OUTFILE}`);
}
