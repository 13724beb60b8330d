// Pure pieces of the lab's join pre-flight helpers: ping's summary, the UDP listener/sender scripts, the
// nftables table that drops Corosync's port, a node's /etc/hosts view. Unit-tested without root.

/** knet's UDP port (corosync 3 uses it for every link, each on its own address) */
export const COROSYNC_PORT = 5405;
export const BLOCK_TABLE = 'quorate_lab_block';
/** the datagram the UDP test sends; the listener ignores anything else */
export const PROBE_PAYLOAD = 'quorate-lab-probe';
/** ping: this many echo requests, this far apart (root may go below 200 ms), each waited for this long */
export const PING_COUNT = 5;
export const PING_INTERVAL_S = '0.2';
export const PING_WAIT_S = '1';
/** how long the UDP listener waits for a datagram, and how often the sender sends one meanwhile */
export const UDP_WAIT_MS = 2_000;
export const UDP_SEND_EVERY_MS = 100;

/** Lab addresses only (RFC 2544 benchmarking range, inside the lab's namespaces): the probe sends nowhere else. */
export const LAB_ADDRESS_RE = /^198\.(18|19)\.(\d{1,3})\.(\d{1,3})$/;

export function isLabAddress(a: string): boolean {
  const m = LAB_ADDRESS_RE.exec(a);
  return m !== null && Number(m[2]) <= 255 && Number(m[3]) <= 255;
}

// ping's summary is the sources' (a link change probes new addresses over SSH the same way)
export { parsePing, type PingSummary } from '@quorate/sources';

/**
 * One nft transaction in a node's namespace: create-if-missing, delete, then (on) a table whose input hook
 * drops UDP to Corosync's port — the node hears none of knet, as behind a host firewall.
 */
export function blockRules(on: boolean, port = COROSYNC_PORT): string {
  const rules = [`table inet ${BLOCK_TABLE} { }`, `delete table inet ${BLOCK_TABLE}`];
  if (on) {
    rules.push(
      `table inet ${BLOCK_TABLE} {`,
      '  chain in {',
      '    type filter hook input priority -5; policy accept;',
      `    udp dport ${port} counter drop`,
      '  }',
      '}',
    );
  }
  return `${rules.join('\n')}\n`;
}

/**
 * `node -e LISTENER ADDRESS PORT WAIT_MS`: binds UDP ADDRESS:PORT, prints "ready", then "got" and exits 0 on
 * the probe datagram; "timeout" (exit 1) after WAIT_MS; "error <code>" (exit 3) when it cannot bind
 * (EADDRINUSE: Corosync holds the port there).
 */
export const UDP_LISTENER = [
  "const d = require('node:dgram');",
  'const [address, port, wait, payload] = process.argv.slice(1);',
  "const s = d.createSocket('udp4');",
  "s.on('error', (e) => { console.log('error ' + (e.code || e.message)); process.exit(3); });",
  "s.on('message', (m) => { if (String(m) === payload) { console.log('got'); process.exit(0); } });",
  "s.bind(Number(port), address, () => console.log('ready'));",
  "setTimeout(() => { console.log('timeout'); process.exit(1); }, Number(wait));",
].join('\n');

/** `node -e SENDER ADDRESS PORT WAIT_MS EVERY_MS PAYLOAD`: sends PAYLOAD every EVERY_MS until WAIT_MS is over. */
export const UDP_SENDER = [
  "const d = require('node:dgram');",
  'const [address, port, wait, every, payload] = process.argv.slice(1);',
  "const s = d.createSocket('udp4');",
  "s.on('error', () => {});",
  'const send = () => s.send(payload, Number(port), address, () => {});',
  'send();',
  'const t = setInterval(send, Number(every));',
  'setTimeout(() => { clearInterval(t); s.close(); }, Number(wait));',
].join('\n');

/** What a node's /etc/hosts says (`ip netns exec` binds /etc/netns/<ns>/hosts over /etc/hosts). */
export function renderHosts(entries: readonly { name: string; address: string }[]): string {
  const lines = ['127.0.0.1 localhost', ...entries.map((e) => `${e.address} ${e.name}`)];
  return `# written by the quorate lab: every lab node's link-0 address\n${lines.join('\n')}\n`;
}

/** `keyfile:` and `cluster_name:` of a corosync.conf (null when absent). */
export function confFacts(conf: string): { clusterName: string | null; keyfile: string | null; configVersion: number | null } {
  const get = (key: string) => new RegExp(`^\\s*${key}:\\s*(\\S+)\\s*$`, 'm').exec(conf)?.[1] ?? null;
  const v = get('config_version');
  return { clusterName: get('cluster_name'), keyfile: get('keyfile'), configVersion: v !== null && /^\d+$/.test(v) ? Number(v) : null };
}

/** "Corosync Cluster Engine, version '3.1.7'" -> "3.1.7" */
export function parseCorosyncVersion(out: string): string | null {
  return /version '([^']+)'/.exec(out)?.[1] ?? null;
}
