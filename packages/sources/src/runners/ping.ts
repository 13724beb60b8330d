// iputils ping's summary, for probes run on a node (the lab's join pre-flight, a link change's new addresses).

export interface PingSummary {
  transmitted: number;
  received: number;
  lossPct: number;
  /** rtt avg in ms, null when nothing came back */
  avgMs: number | null;
}

/** ping's last two lines: "5 packets transmitted, 5 received, 0% packet loss, time 813ms" and "rtt min/avg/max/mdev = …". */
export function parsePing(out: string): PingSummary | null {
  const m = /(\d+) packets transmitted, (\d+) received,(?: \+\d+ errors,)? ([\d.]+)% packet loss/.exec(out);
  if (!m) return null;
  const rtt = /= [\d.]+\/([\d.]+)\/[\d.]+\/[\d.]+ ms/.exec(out);
  return { transmitted: Number(m[1]), received: Number(m[2]), lossPct: Number(m[3]), avgMs: rtt ? Number(rtt[1]) : null };
}
