// npm run bench:bundle — builds the web app and prints the gzipped size of the JS the first page load
// needs (the entry script and its modulepreloads). Last line: bundle initial_js_gzip_kb=X (target < 150).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = 'apps/web/dist';
execFileSync('npm', ['run', '-s', 'build', '-w', '@quorate/web'], { stdio: 'inherit' });
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const srcs = new Set<string>();
for (const m of html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)) srcs.add(m[1]!);
for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) srcs.add(m[1]!);
let total = 0;
for (const src of srcs) {
  const buf = readFileSync(join(dist, src.replace(/^\//, '')));
  const gz = gzipSync(buf, { level: 9 }).length;
  total += gz;
  console.log(`${src}: ${(buf.length / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzip`);
}
const kb = total / 1024;
console.log(`target < 150 KB: ${kb < 150 ? 'met' : 'MISSED'}`);
console.log(`bundle initial_js_gzip_kb=${kb.toFixed(1)}`);
