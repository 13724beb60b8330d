// `ip -o addr show`: one line per address ("2: eth0    inet 198.18.0.11/24 brd … scope global eth0"). The
// addresses a node could put a Corosync link on: global scope, not loopback, not link-local.

/** the node's addresses (IPv4 and IPv6, without the prefix length), in the order ip printed them */
export function parseIpAddr(stdout: string): string[] {
  const out: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet6?\s+([0-9A-Fa-f:.]+)\/\d+\b(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, iface, address, rest] = m;
    if (iface === 'lo' || /\bscope (host|link)\b/.test(rest!)) continue;
    if (!out.includes(address!)) out.push(address!);
  }
  return out;
}
