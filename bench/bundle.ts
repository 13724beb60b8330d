// npm run bench:bundle — builds the web app and prints what the first page load's JS costs (the entry script
// and its modulepreloads): gzipped (level 9, the size target), and as actually sent over HTTP by the BFF's
// static handler (apps/bff/src/web.ts, the same code `npm start` serves with) to a client sending
// `Accept-Encoding: br, gzip`, counted as the bytes read from the socket (status line, headers and body).
// Last line: bundle initial_js_gzip_kb=X initial_js_wire_kb=Y (target ≤ 125 for the gzipped size).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get, type Server } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { webRouter } from '../apps/bff/src/web';

const dist = 'apps/web/dist';
const TARGET_KB = 125;
/** the compression plugin's threshold (apps/web/vite.config.ts): smaller files get no .br/.gz copy */
const PRECOMPRESS_MIN_BYTES = 1024;
execFileSync('npm', ['run', '-s', 'build', '-w', '@quorate/web'], { stdio: 'inherit' });
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const srcs = new Set<string>();
for (const m of html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)) srcs.add(m[1]!);
for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) srcs.add(m[1]!);

interface Sent {
  status: number;
  encoding: string;
  body: number;
  /** bytes read from the socket: the whole HTTP response */
  wire: number;
}

/** one GET on its own connection, so the socket's byte count is this response's */
function fetchSent(base: string, path: string): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = get(`${base}${path}`, { agent: false, headers: { 'accept-encoding': 'br, gzip' } }, (res) => {
      let body = 0;
      res.on('data', (c: Buffer) => (body += c.length));
      res.on('end', () => {
        const socket = res.socket;
        const done = () =>
          resolve({ status: res.statusCode ?? 0, encoding: String(res.headers['content-encoding'] ?? 'identity'), body, wire: socket.bytesRead });
        if (socket.destroyed) done();
        else socket.once('close', done);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const app = express();
app.use(webRouter(dist));
const server = await new Promise<Server>((ok) => {
  const s = app.listen(0, '127.0.0.1', () => ok(s));
});
const addr = server.address();
if (addr === null || typeof addr === 'string') throw new Error('no port');
const base = `http://127.0.0.1:${addr.port}`;

let gzTotal = 0;
let wireTotal = 0;
let uncompressed = 0;
// the whole cold load as the browser asks for it: the page, its stylesheets and the initial JS
const styles = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => m[1]!);
let coldWire = 0;
let coldRaw = 0;
try {
  for (const src of srcs) {
    const buf = readFileSync(join(dist, src.replace(/^\//, '')));
    const gz = gzipSync(buf, { level: 9 }).length;
    const sent = await fetchSent(base, src);
    if (sent.status !== 200) throw new Error(`${src}: HTTP ${sent.status}`);
    if (sent.encoding === 'identity' && buf.length >= PRECOMPRESS_MIN_BYTES) uncompressed++;
    gzTotal += gz;
    wireTotal += sent.wire;
    console.log(
      `${src}: ${(buf.length / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzip, ` +
        `sent ${sent.encoding} ${(sent.body / 1024).toFixed(1)} KB (${(sent.wire / 1024).toFixed(1)} KB on the wire)`,
    );
  }
  coldWire = wireTotal;
  for (const path of ['/', ...styles]) coldWire += (await fetchSent(base, path)).wire;
  for (const f of ['index.html', ...styles, ...srcs]) coldRaw += readFileSync(join(dist, f.replace(/^\//, ''))).length;
} finally {
  await new Promise<void>((ok) => server.close(() => ok()));
}
console.log(`cold load (page, CSS, initial JS): ${(coldWire / 1024).toFixed(1)} KB on the wire, ${(coldRaw / 1024).toFixed(1)} KB uncompressed`);
if (uncompressed > 0) {
  console.log(`${uncompressed} initial script(s) went out uncompressed: is the compression plugin in apps/web/vite.config.ts?`);
  process.exitCode = 1;
}
const kb = gzTotal / 1024;
console.log(`target ≤ ${TARGET_KB} KB: ${kb <= TARGET_KB ? 'met' : 'MISSED'}`);
console.log(`bundle initial_js_gzip_kb=${kb.toFixed(1)} initial_js_wire_kb=${(wireTotal / 1024).toFixed(1)}`);
