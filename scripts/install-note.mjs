// npm ci / npm install (root preinstall): say up front what may take a while, so a silent minute does not
// look like a hang. better-sqlite3 downloads a prebuilt binary, or compiles one (node-gyp) when none fits
// this Node and platform, e.g. with no network. Writes to stderr, never fails the install.
import { existsSync } from 'node:fs';

const built = existsSync(new URL('../node_modules/better-sqlite3/build/Release/better_sqlite3.node', import.meta.url));
if (!built) {
  process.stderr.write(
    'quorate: installing — better-sqlite3 fetches or compiles its native module (up to a couple of minutes when it compiles; nothing is wrong)\n',
  );
}
