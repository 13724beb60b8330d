// The Proxmox GUI's model, for comparison (bench:quorum-latency, figure c): a collector that asks every
// node `corosync-quorumtool -s` every 3 s (createLabSource mode 'poll'), a node:http server that serves
// the latest snapshot as JSON, and a page whose script fetches it every 3 s and writes the quorum and
// the membership into the DOM. Self-contained: no BFF, no socket, no auth.
//
// Run: node --import tsx bench/quorum-latency/poll-server.ts --prefix P --port N [--poll-ms 3000]
// Prints one line `poll-server listening on http://127.0.0.1:N` once the first snapshot is in.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createLabSource } from '@quorate/sources';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>poll every 3 s</title></head>
<body>
<h1>Polling model: <span data-testid="quorum-state">UNKNOWN</span> · <span data-testid="votes-summary"></span></h1>
<table><tbody id="nodes"></tbody></table>
<script>
const POLL_MS = __POLL_MS__;
const state = document.querySelector('[data-testid="quorum-state"]');
const votes = document.querySelector('[data-testid="votes-summary"]');
const body = document.getElementById('nodes');
function set(el, text) { if (el.textContent !== text) el.textContent = text; }
async function tick() {
  try {
    const r = await fetch('/snapshot.json', { cache: 'no-store' });
    if (!r.ok) return;
    const s = await r.json();
    const q = s.quorum;
    set(state, q === null ? 'UNKNOWN' : q.quorate ? 'QUORATE' : 'NOT QUORATE');
    set(votes, q === null ? '' : q.totalVotes + ' of ' + q.expectedVotes + ' votes, ' + q.quorum + ' needed');
    for (const n of s.nodes) {
      let row = body.querySelector('[data-testid="node-row-' + n.name + '"]');
      if (!row) {
        row = document.createElement('tr');
        row.setAttribute('data-testid', 'node-row-' + n.name);
        row.innerHTML = '<th></th><td></td>';
        row.firstChild.textContent = n.name;
        body.appendChild(row);
      }
      if (row.getAttribute('data-state') !== n.state) {
        row.setAttribute('data-state', n.state);
        row.lastChild.textContent = n.state;
      }
    }
  } catch { /* the next tick tries again */ }
}
tick();
setInterval(tick, POLL_MS);
</script>
</body></html>
`;

const { values } = parseArgs({
  options: {
    prefix: { type: 'string' },
    port: { type: 'string', default: '0' },
    'poll-ms': { type: 'string', default: '3000' },
  },
});
if (!values.prefix) {
  process.stderr.write('poll-server: --prefix is required\n');
  process.exit(2);
}
const pollMs = Number(values['poll-ms']);
const source = await createLabSource(values.prefix, { mode: 'poll', pollMs, clusterId: 'poll' });
await source.start();
const page = PAGE.replace('__POLL_MS__', String(pollMs));

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/snapshot.json') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(source.current()));
  } else if (req.method === 'GET' && path === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page);
  } else {
    res.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => server.listen(Number(values.port), '127.0.0.1', resolve));
const addr = server.address();
const port = typeof addr === 'object' && addr ? addr.port : Number(values.port);
process.stdout.write(`poll-server listening on http://127.0.0.1:${port}\n`);

const stop = () => {
  server.close();
  void source.stop().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
