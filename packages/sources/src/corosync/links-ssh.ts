// Corosync link changes on real Proxmox nodes over SSH (kind ssh, and pve with SSH), the way the Proxmox admin
// guide edits corosync.conf: read /etc/pve/corosync.conf; write the new text to corosync.conf.new in /etc/pve
// (pmxcfs), keep the old one as corosync.conf.bak, move the new one over it — pmxcfs hands it to every node's
// /etc/corosync and Corosync reloads — then `corosync-cfgtool -R` on the observed node to be sure. New addresses
// are pinged from every other running node first (UDP cannot be tested before Corosync listens there: the
// plan says "not probed" for it). Paths are fixed; the text goes through stdin, never a shell.
import { confNodelist, parseCorosyncConf } from '@quorate/corosync';
import { newAddresses, type LinkChange, type LinkFacts } from '@quorate/model';
import { parseIpAddr, parsePing } from '../runners';
import type { LinkControl, TaskIo } from '../source';
import type { QdeviceNode } from './qdevice-ssh';

export const PVE_COROSYNC_CONF = '/etc/pve/corosync.conf';
/** corosync.conf is a few KB; more is not a corosync.conf */
export const COROSYNC_CONF_MAX_BYTES = 256 * 1024;
/** ping: echoes per probe and the whole probe's bound */
export const LINK_PING_COUNT = 3;
export const LINK_PROBE_TIMEOUT_MS = 8_000;
/** writing and reloading on a slow pmxcfs */
export const LINK_APPLY_TIMEOUT_MS = 30_000;
/** a rolling restart: each node quorate again within this, asked this often */
export const RESTART_QUORATE_MS = 60_000;
export const RESTART_POLL_MS = 1_000;

/**
 * The nodes whose address changed on a link both files have: Corosync 3 refuses to reload that ("To reconfigure
 * an interface it must be deleted and recreated"), so those need Corosync restarted (the lab found it on 3.1.7).
 */
export function readdressed(previous: string, next: string): string[] {
  const a = parseCorosyncConf(previous);
  const b = parseCorosyncConf(next);
  if (!a.ok || !b.ok) return [];
  const before = confNodelist(a.value);
  return confNodelist(b.value)
    .filter((n) => {
      const old = before.find((o) => o.name === n.name);
      return old !== undefined && n.addresses.some((x) => old.addresses.some((y) => y.link === x.link && y.address !== x.address));
    })
    .map((n) => n.name ?? '')
    .filter((n) => n !== '');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function quorateAgain(n: LinkNode, io: TaskIo, waitMs: number, pollMs: number): Promise<void> {
  for (const end = Date.now() + waitMs; ; ) {
    const r = await n.runner.run('corosync-quorumtool', ['-s'], { timeoutMs: 5_000, maxBytes: 64 * 1024 }).catch(() => null);
    if (r && r.code === 0 && /^Quorate:\s+Yes/m.test(r.stdout)) return;
    if (Date.now() >= end) throw new Error(`${n.name} is not quorate ${Math.round(waitMs / 1000)} s after its Corosync restarted: check it (journalctl -u corosync) before restarting another node`);
    if (io.signal.aborted) throw new Error(`the rolling restart stopped before ${n.name} was quorate again`);
    await sleep(pollMs);
  }
}

/** a node the SSH controls can run on (the same shape the QDevice control takes) */
export type LinkNode = QdeviceNode;

async function readConf(n: LinkNode): Promise<LinkFacts['conf']> {
  const r = await n.runner.run('cat', [PVE_COROSYNC_CONF], { timeoutMs: LINK_PROBE_TIMEOUT_MS, maxBytes: COROSYNC_CONF_MAX_BYTES }).catch((e: unknown) => e as Error);
  if (r instanceof Error) return { unmeasured: `${n.name}: ${r.message}` };
  if (r.truncated) return { unmeasured: `${PVE_COROSYNC_CONF} on ${n.name} is larger than ${COROSYNC_CONF_MAX_BYTES / 1024} KiB` };
  if (r.code !== 0) return { unmeasured: `${n.name}: cat ${PVE_COROSYNC_CONF}: ${r.stderr.trim().split('\n').at(-1) ?? `exit ${r.code}`}` };
  return { text: r.stdout };
}

async function ping(from: LinkNode, to: string, link: number, address: string): Promise<LinkFacts['probes'][number]> {
  const r = await from.runner.run('ping', ['-n', '-q', '-c', String(LINK_PING_COUNT), '-i', '0.2', '-W', '1', '--', address], { timeoutMs: LINK_PROBE_TIMEOUT_MS, maxBytes: 8192 }).catch(() => null);
  const sum = r ? parsePing(r.stdout) : null;
  const reachable = sum !== null && sum.received > 0;
  return { from: from.name, to, link, address, reachable, udp: null, latencyMs: sum?.avgMs ?? null, lossPct: sum?.lossPct ?? null };
}

async function step(n: LinkNode, cmd: string, args: string[], io: TaskIo, what: string, stdin?: string): Promise<void> {
  const r = await n.runner.run(cmd, args, { timeoutMs: LINK_APPLY_TIMEOUT_MS, ...(stdin !== undefined ? { stdin } : {}) });
  if (r.timedOut) throw new Error(`${what}: no answer within ${LINK_APPLY_TIMEOUT_MS / 1000} s on ${n.name}`);
  if (r.code !== 0) throw new Error(`${what} on ${n.name} failed: ${r.stderr.trim().split('\n').at(-1) ?? `exit ${r.code}`}`);
  for (const line of r.stdout.split('\n')) if (line.trim() !== '') io.log(line.trimEnd());
}

export function sshLinkControl(nodes: readonly LinkNode[], observer: () => LinkNode | null, timing: { quorateMs?: number; pollMs?: number } = {}): LinkControl {
  const through = () => {
    const n = observer();
    if (!n) throw new Error('no node can be reached to read or write corosync.conf on');
    return n;
  };
  return {
    async interfaces() {
      const rows = await Promise.all(
        nodes
          .filter((m) => m.online())
          .map(async (m) => {
            const r = await m.runner.run('ip', ['-o', 'addr', 'show'], { timeoutMs: LINK_PROBE_TIMEOUT_MS, maxBytes: 256 * 1024 }).catch(() => null);
            return [m.name, r && r.code === 0 ? parseIpAddr(r.stdout) : []] as const;
          }),
      );
      return Object.fromEntries(rows);
    },
    async linkFacts(change: LinkChange) {
      const n = observer();
      const conf: LinkFacts['conf'] = n ? await readConf(n) : { unmeasured: 'no node can be reached' };
      const fresh = newAddresses(change);
      const probes = await Promise.all(fresh.flatMap((a) => nodes.filter((m) => m.name !== a.node && m.online()).map((m) => ping(m, a.node, a.link, a.address))));
      return { conf, probes };
    },
    async apply(text, io) {
      const n = through();
      if (io.signal.aborted) throw new Error('the link change cancelled before anything changed');
      const before = await readConf(n);
      io.log(`writing ${PVE_COROSYNC_CONF}.new on ${n.name}`);
      await step(n, 'tee', [`${PVE_COROSYNC_CONF}.new`], { ...io, log: () => undefined }, 'writing corosync.conf.new', text);
      await step(n, 'cp', ['--', PVE_COROSYNC_CONF, `${PVE_COROSYNC_CONF}.bak`], io, 'keeping corosync.conf.bak');
      io.log(`moving it over ${PVE_COROSYNC_CONF} (pmxcfs gives it to every node; the old one stays as corosync.conf.bak)`);
      await step(n, 'mv', ['--', `${PVE_COROSYNC_CONF}.new`, PVE_COROSYNC_CONF], io, 'replacing corosync.conf');
      const moved = 'text' in before ? readdressed(before.text, text) : [];
      if (moved.length === 0) {
        io.log('corosync-cfgtool -R');
        await step(n, 'corosync-cfgtool', ['-R'], io, 'corosync-cfgtool -R');
        return;
      }
      // an address changed on a link that stays: Corosync restarts node by node, the moved nodes last
      const order = [...nodes.filter((m) => m.online() && !moved.includes(m.name)), ...nodes.filter((m) => m.online() && moved.includes(m.name))];
      io.log(`${moved.join(', ')} changed address on a link Corosync cannot reload: restarting Corosync one node at a time (${order.map((m) => m.name).join(', ')}), each quorate again before the next`);
      for (const m of order) {
        io.log(`systemctl restart corosync on ${m.name}`);
        await step(m, 'systemctl', ['restart', 'corosync'], io, 'restarting corosync');
        await quorateAgain(m, io, timing.quorateMs ?? RESTART_QUORATE_MS, timing.pollMs ?? RESTART_POLL_MS);
        io.log(`${m.name}: quorate again`);
      }
    },
  };
}
