// Corosync link changes on the lab (issue 16): the `links` source capability and `npm run lab -- links …`.
//
// - linkFacts: the corosync.conf the members run — the first member's file as the lab wrote it. The members'
//   files differ only in their own keyfile, logfile and state_dir, so this one file is the canonical text the
//   BFF (or the CLI) edits with packages/corosync; each new address is probed from every other running member
//   (ICMP, and a UDP datagram to the link's port 5405 + link: knet binds one port per link).
// - applyLinks: the edited canonical text is checked (config_version above the running one, the same nodes,
//   every node an address on every link, links 0..N-1 each with a lab network, addresses inside the lab's
//   198.18.0.0/15, and — parsed and written out again — nothing but totem's link settings and the nodelist's
//   addresses differing from what the lab would write), taken into the lab state (addresses per node per link,
//   config_version, knet_link_priority, link_mode), and every member's own file is rendered from it. Then
//   `corosync-cfgtool -R` (knet adds and removes links on a reload), or — for a node's address on a link that
//   stays, which Corosync refuses to reload ("To reconfigure an interface it must be deleted and recreated") —
//   a rolling restart, one node at a time, waiting for quorum between nodes. Every step is one log line; a
//   failure puts the previous files (and state) back on every node, reloads or restarts again, and says which
//   step failed. An address not present on its node is applied as asked: that node's link stays down (the
//   BFF's pre-flight refuses unreachable addresses; its verification and restore handle the rest).
import { readFile, rename, writeFile } from 'node:fs/promises';
import { confNodelist, confTotem, parseCorosyncConf, serializeCorosyncConf, type LinkEdit } from '@quorate/corosync';
import { newAddresses, type LinkChange, type LinkFacts } from '@quorate/model';
import { NetnsRunner } from '@quorate/sources';
import { COROSYNC_PORT, isLabAddress } from './probe';
import { sleep } from './procs';
import type { LabHooks } from './qdevice';
import { networkLinks, type LabNodeEx as LabNode } from './state';

/** knet: link0..link7 */
export const MAX_LINKS = 8;
export const LINK_MODES = ['passive', 'active', 'rr'] as const;
/** every corosync-cmapctl call */
export const CMAP_TIMEOUT_MS = 3_000;
/** after the reload (or the restarts), every running member's cmap must show the new config_version this soon */
export const LINK_CONFIG_WAIT_MS = 15_000;
/** a rolling restart: each restarted node must be quorate again this soon */
export const LINK_RESTART_QUORUM_MS = 30_000;

/** the model's change as packages/corosync's edit (as the BFF's operation converts it) */
export function linkEditOf(c: LinkChange): LinkEdit {
  if (c.kind === 'add-link') return { kind: 'add-link', link: c.link, addresses: Object.fromEntries(c.addresses.map((a) => [a.node, a.address])), ...(c.priority !== undefined ? { priority: c.priority } : {}) };
  return c;
}

/** knet's UDP port of link l: 5405 + l (corosync 3 binds each link's address on its own port) */
export const linkPort = (link: number) => COROSYNC_PORT + link;

export interface LinkApplyOptions {
  /** checked before anything changes and after the write (a cancel then rolls back) */
  signal?: AbortSignal;
  /**
   * 'auto' (default): a change Corosync cannot reload (a node's address on a link that stays) is applied by a
   * rolling restart. 'never': reloaded anyway — Corosync refuses it, and the previous files come back (how
   * the lab test makes a real reload fail).
   */
  restart?: 'auto' | 'never';
}

/** The canonical corosync.conf: the first member's file, as the lab wrote it. */
async function canonicalConf(h: LabHooks): Promise<LinkFacts['conf']> {
  const s = h.lab.state;
  const first = s.nodes[0];
  if (!first) return { unmeasured: `lab '${s.prefix}' has no cluster (create one first)` };
  const text = await readFile(first.conf, 'utf8').catch((e: unknown) => e as Error);
  if (text instanceof Error) return { unmeasured: `${first.name}: cannot read ${first.conf}: ${text.message}` };
  return { text };
}

async function runningMembers(h: LabHooks): Promise<LabNode[]> {
  const out: LabNode[] = [];
  for (const node of h.lab.state.nodes) if ((await h.corosyncPid(node)) !== null) out.push(node);
  return out;
}

/**
 * The facts of a change: the canonical corosync.conf, and each new address probed from every other running
 * member (ping, and the UDP test to 5405 + link: `udp` null when the port is held there, e.g. by Corosync).
 * Addresses run side by side, the members one after another for each (one UDP listener per address at a time).
 * An address outside the lab is not probed (nothing is sent there): unreachable.
 */
export async function labLinkFacts(h: LabHooks, change: LinkChange): Promise<LinkFacts> {
  const conf = await canonicalConf(h);
  const running = await runningMembers(h);
  const perAddress = await Promise.all(
    newAddresses(change).map(async (a) => {
      const out: LinkFacts['probes'] = [];
      for (const m of running) {
        if (m.name === a.node) continue;
        if (!isLabAddress(a.address)) {
          out.push({ from: m.name, to: a.node, link: a.link, address: a.address, reachable: false, udp: null, latencyMs: null, lossPct: null });
          continue;
        }
        const p = await h.lab.probe(m.name, a.address, { port: linkPort(a.link), on: a.node });
        out.push({ from: m.name, to: a.node, link: a.link, address: a.address, reachable: p.reachable, udp: p.reachable ? p.udp : null, latencyMs: p.latencyMs, lossPct: p.lossPct });
      }
      return out;
    }),
  );
  return { conf, probes: perAddress.flat() };
}

/** `corosync-cmapctl -g totem.config_version` on a node: the number, or the tool's words */
async function runningConfigVersion(node: LabNode): Promise<number | string> {
  const r = await new NetnsRunner(node.namespace).run('corosync-cmapctl', ['-g', 'totem.config_version'], { timeoutMs: CMAP_TIMEOUT_MS });
  const m = /=\s*(\d+)\s*$/.exec(r.stdout.trim());
  if (r.code === 0 && m) return Number(m[1]);
  return r.timedOut ? `timed out after ${CMAP_TIMEOUT_MS} ms` : `exit ${r.code}: ${(r.stderr || r.stdout).trim()}`;
}

/** Polls every node's cmap until each runs config_version `v` (bounded); the failure names what each showed. */
export async function waitConfigVersion(nodes: readonly LabNode[], v: number, timeoutMs = LINK_CONFIG_WAIT_MS): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const seen = await Promise.all(nodes.map(runningConfigVersion));
    if (seen.every((x) => x === v)) return Math.round(performance.now() - t0);
    if (performance.now() - t0 > timeoutMs) {
      throw new Error(`waited ${timeoutMs} ms for config_version ${v} on ${nodes.map((n) => n.name).join(', ')}; corosync-cmapctl -g totem.config_version: ${nodes.map((n, k) => `${n.name} ${seen[k]}`).join(', ')}`);
    }
    await sleep(200);
  }
}

/** the last error lines of a node's corosync.log (why a reload was refused) */
async function logErrors(node: LabNode, lines = 3): Promise<string> {
  const text = await readFile(node.log, 'utf8').catch(() => '');
  const errors = text.split('\n').filter((l) => /\berror\b/.test(l)).slice(-lines);
  return errors.length > 0 ? `; ${node.log}:\n${errors.join('\n')}` : '';
}

const normalize = (text: string): string | null => {
  const p = parseCorosyncConf(text);
  return p.ok ? serializeCorosyncConf(p.value) : null;
};

/** "line 12: `a` here, `b` as the lab writes it" */
function firstDifference(got: string, want: string): string {
  const a = got.split('\n');
  const b = want.split('\n');
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    if (a[k] !== b[k]) return `line ${k + 1}: ${JSON.stringify((a[k] ?? '(end)').trim())} here, ${JSON.stringify((b[k] ?? '(end)').trim())} as the lab writes it`;
  }
  return 'none';
}

interface LinkState {
  links: number;
  spareLinks: number[];
  linkMode: 'passive' | 'active' | 'rr';
  linkPriorities: (number | null)[];
  configVersion: number;
  addresses: Map<string, string[]>;
}

function snapshotOf(h: LabHooks): LinkState {
  const s = h.lab.state;
  return {
    links: s.links,
    spareLinks: [...s.spareLinks],
    linkMode: s.linkMode,
    linkPriorities: [...s.linkPriorities],
    configVersion: s.configVersion,
    addresses: new Map(s.nodes.map((n) => [n.name, [...n.addresses]])),
  };
}

function putState(h: LabHooks, x: LinkState): void {
  const s = h.lab.state;
  s.links = x.links;
  s.spareLinks = [...x.spareLinks];
  s.linkMode = x.linkMode;
  s.linkPriorities = [...x.linkPriorities];
  s.configVersion = x.configVersion;
  for (const n of s.nodes) n.addresses = [...(x.addresses.get(n.name) ?? n.addresses)];
}

/** what changes between two link states, in words */
function describeChange(a: LinkState, b: LinkState): { text: string; readdressed: string[] } {
  const parts: string[] = [];
  const readdressed: string[] = [];
  for (let l = 0; l < Math.max(a.links, b.links); l++) {
    const at = (x: LinkState, name: string) => (l < x.links ? x.addresses.get(name)?.[l] : undefined);
    const names = [...b.addresses.keys()];
    if (l >= a.links) parts.push(`link ${l} added (${names.map((n) => `${n} ${at(b, n)}`).join(', ')})`);
    else if (l >= b.links) parts.push(`link ${l} removed`);
    else {
      for (const n of names) {
        if (at(a, n) !== at(b, n)) {
          parts.push(`${n} on link ${l}: ${at(a, n)} → ${at(b, n)}`);
          readdressed.push(n);
        }
      }
    }
    const pa = l < a.links ? (a.linkPriorities[l] ?? null) : null;
    const pb = l < b.links ? (b.linkPriorities[l] ?? null) : null;
    if (l < a.links && l < b.links && pa !== pb) parts.push(`link ${l} knet_link_priority ${pa ?? 'unset'} → ${pb ?? 'unset'}`);
    else if (l >= a.links && pb !== null) parts.push(`link ${l} knet_link_priority ${pb}`);
  }
  if (a.linkMode !== b.linkMode) parts.push(`link_mode ${a.linkMode} → ${b.linkMode}`);
  return { text: parts.length > 0 ? parts.join('; ') : 'no link change (config_version only)', readdressed: [...new Set(readdressed)] };
}

/**
 * Reads the lab state a canonical corosync.conf asks for, or throws a refusal (nothing changed). The state
 * is left as it was either way.
 */
function wantedState(h: LabHooks, text: string): LinkState {
  const s = h.lab.state;
  const refuse = (why: string): never => {
    throw new h.LabError(`links apply refused: ${why}; nothing changed`, 2);
  };
  const parsed = parseCorosyncConf(text);
  if (!parsed.ok) return refuse(`corosync.conf does not parse: ${parsed.error.message}${parsed.error.line ? ` (line ${parsed.error.line})` : ''}`);
  const totem = confTotem(parsed.value);
  const nodes = confNodelist(parsed.value);
  if (!totem || totem.configVersion === null) return refuse('corosync.conf has no totem.config_version');
  const v = totem.configVersion;
  if (v <= s.configVersion) return refuse(`config_version ${v} is not above the running ${s.configVersion}`);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  if (nodes.length !== s.nodes.length || s.nodes.some((m) => byName.get(m.name)?.nodeId !== m.nodeid)) {
    return refuse(`the nodelist must stay ${s.nodes.map((n) => `${n.name} (nodeid ${n.nodeid})`).join(', ')}: a link change adds or removes no node (got ${nodes.map((n) => `${n.name ?? '?'} (nodeid ${n.nodeId ?? '?'})`).join(', ')})`);
  }
  const links = [...new Set(nodes.flatMap((n) => n.addresses.map((a) => a.link)))].sort((a, b) => a - b);
  if (links.length === 0) return refuse('no link left');
  if (links.length > MAX_LINKS) return refuse(`${links.length} links: knet has at most ${MAX_LINKS}`);
  if (links.some((l, k) => l !== k)) return refuse(`the lab numbers Corosync's links 0..N-1: links ${links.join(', ')} cannot be kept (add link ${s.links}, or remove link ${s.links - 1})`);
  const nets = networkLinks(s);
  const noNet = links.filter((l) => !nets.includes(l));
  if (noNet.length > 0) return refuse(`no lab network for link ${noNet.join(', ')}: the lab has bridges for link${nets.length > 1 ? 's' : ''} ${nets.join(', ')} (up --spare-links N)`);
  const addresses = new Map<string, string[]>();
  const seen = new Map<string, string>();
  for (const m of s.nodes) {
    const n = byName.get(m.name)!;
    const row: string[] = [];
    for (const l of links) {
      const a = n.addresses.find((x) => x.link === l)?.address;
      if (a === undefined) return refuse(`${m.name} has no address on link ${l}: every node needs one on every link`);
      if (!isLabAddress(a)) return refuse(`${a} (${m.name}, link ${l}) is outside the lab's 198.18.0.0/15: the lab sends nothing there`);
      const other = seen.get(a);
      if (other !== undefined) return refuse(`${a} is on ${other} and ${m.name} link ${l}: one address, one node and link`);
      seen.set(a, `${m.name} link ${l}`);
      row.push(a);
    }
    addresses.set(m.name, row);
  }
  const mode = totem.linkMode ?? 'passive';
  if (!(LINK_MODES as readonly string[]).includes(mode)) return refuse(`link_mode ${JSON.stringify(mode)} is not one of ${LINK_MODES.join(', ')}`);
  const linkPriorities = links.map((l) => totem.interfaces.find((i) => (i.linknumber ?? 0) === l)?.knetLinkPriority ?? null);
  if (linkPriorities.some((p) => p !== null && (p < 0 || p > 255))) return refuse('knet_link_priority is 0 to 255');
  return {
    links: links.length,
    spareLinks: nets.filter((l) => l >= links.length),
    linkMode: mode as LinkState['linkMode'],
    linkPriorities,
    configVersion: v,
    addresses,
  };
}

/**
 * The edited canonical corosync.conf applied to every member: checked (wantedState, then the whole text
 * against what the lab writes from that state), each member's own file written (`corosync -t` on the
 * first), then `corosync-cfgtool -R` and a check that every running member runs the new config_version —
 * or, for a node's address on a link that stays, a rolling restart (unchanged nodes first). A failure
 * restores the previous files and state, reloads or restarts again, and rejects naming the step.
 */
export async function applyLinks(h: LabHooks, text: string, opts: LinkApplyOptions = {}): Promise<string> {
  const { lab, log } = h;
  const s = lab.state;
  if (opts.signal?.aborted) throw new h.LabError('the link change cancelled before anything changed');
  if (s.nodes.length === 0) throw new h.LabError(`links apply refused: lab '${s.prefix}' has no cluster; nothing changed`, 2);
  h.requireNoPartition('links apply');
  const before = snapshotOf(h);
  const next = wantedState(h, text);
  // nothing but the links may differ from what the lab writes: the other sections stay the lab's
  putState(h, next);
  const want = lab.memberConfText(s.nodes[0]!);
  putState(h, before);
  const got = normalize(text);
  const wantN = normalize(want);
  if (got === null || wantN === null || got !== wantN) {
    throw new h.LabError(`links apply refused: only link changes are applied (totem's interfaces and link_mode, the nodelist's addresses, config_version): the rest must be as the lab wrote it (first difference: ${firstDifference(got ?? text, wantN ?? want)}); nothing changed`, 2);
  }
  const running = await runningMembers(h);
  if (running.length === 0) throw new h.LabError(`links apply refused: no member of '${s.clusterName}' runs Corosync (nobody to reload); nothing changed`, 2);

  const { text: what, readdressed } = describeChange(before, next);
  const restart = readdressed.length > 0 && opts.restart !== 'never';
  const names = s.nodes.map((n) => n.name).join(', ');
  const total = restart ? running.length + 2 : 3;
  const previous = new Map<string, string>();
  for (const node of s.nodes) previous.set(node.name, await readFile(node.conf, 'utf8'));
  const restarted: LabNode[] = [];
  const t0 = performance.now();
  let step = 'corosync.conf write';
  try {
    putState(h, next);
    await h.writeConfs();
    await h.writeState();
    log(`1/${total} corosync.conf written on ${names}: ${what}, config_version ${next.configVersion} (corosync -t accepts it)`);
    if (opts.signal?.aborted) throw new h.LabError('cancelled after the write');
    if (!restart) {
      step = 'reload';
      try {
        await h.reload();
      } catch (err) {
        throw new h.LabError(`${err instanceof Error ? err.message : String(err)}${await logErrors(running[0]!)}`);
      }
      log(`2/3 corosync-cfgtool -R on ${running[0]!.name}: every running member (${running.map((n) => n.name).join(', ')}) re-reads its corosync.conf`);
      step = 'check of config_version';
      const ms = await waitConfigVersion(running, next.configVersion);
      log(`3/3 every running member runs config_version ${next.configVersion} after ${ms} ms (corosync-cmapctl -g totem.config_version)`);
    } else {
      log(`Corosync does not reload a changed address on a link it keeps ("To reconfigure an interface it must be deleted and recreated"; ${readdressed.join(', ')}): a rolling restart of Corosync instead, one node at a time, each quorate again before the next, ${readdressed.join(', ')} last`);
      const order = [...running.filter((n) => !readdressed.includes(n.name)), ...running.filter((n) => readdressed.includes(n.name))];
      for (const [k, node] of order.entries()) {
        step = `restart of ${node.name}`;
        if (opts.signal?.aborted) throw new h.LabError('cancelled during the rolling restart');
        await lab.fault(node.name, { kind: 'stop' });
        restarted.push(node);
        await lab.fault(node.name, { kind: 'start' });
        const ms = await lab.waitQuorum(node.name, { quorate: true }, LINK_RESTART_QUORUM_MS);
        log(`${k + 2}/${total} ${node.name}: Corosync restarted with the new corosync.conf (SIGTERM, started again), quorate after ${ms} ms`);
      }
      step = 'check of config_version';
      const ms = await waitConfigVersion(running, next.configVersion);
      log(`${total}/${total} every running member runs config_version ${next.configVersion} after ${ms} ms (corosync-cmapctl -g totem.config_version)`);
    }
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const line = await rollback(h, before, previous, running, restarted).catch((e: unknown) => `rollback failed: ${e instanceof Error ? e.message : String(e)}`);
    log(line);
    throw new h.LabError(`links apply failed at the ${step}: ${why}\n${line}`);
  }
  return `links changed on '${s.clusterName}': ${what} (config_version ${next.configVersion}, ${restart ? 'rolling restart' : 'reloaded'}) in ${Math.round(performance.now() - t0)} ms`;
}

/** The previous files and state back on every member; reloaded (or the restarted nodes restarted again); checked. */
async function rollback(h: LabHooks, before: LinkState, previous: Map<string, string>, running: LabNode[], restarted: LabNode[]): Promise<string> {
  const s = h.lab.state;
  for (const node of s.nodes) {
    const text = previous.get(node.name);
    if (text === undefined) continue;
    await writeFile(`${node.conf}.tmp`, text);
    await rename(`${node.conf}.tmp`, node.conf);
  }
  putState(h, before);
  await h.writeState();
  const how: string[] = [];
  if (restarted.length === 0) {
    // corosync takes a lower config_version on a reload (only pmxcfs minds): the previous file reloads as it is
    how.push(await h.reload().then(() => 'reloaded (corosync-cfgtool -R)', (e: unknown) => `the reload failed too: ${e instanceof Error ? e.message : String(e)}`));
  } else {
    for (const node of restarted) {
      if ((await h.corosyncPid(node)) !== null) await h.lab.fault(node.name, { kind: 'stop' });
      await h.lab.fault(node.name, { kind: 'start' });
      await h.lab.waitQuorum(node.name, { quorate: true }, LINK_RESTART_QUORUM_MS).catch(() => 0);
    }
    how.push(`Corosync restarted again on ${restarted.map((n) => n.name).join(', ')}`);
  }
  how.push(await waitConfigVersion(running, before.configVersion, 5_000).then(
    (ms) => `every running member runs config_version ${before.configVersion} after ${ms} ms`,
    (e: unknown) => `but: ${e instanceof Error ? e.message : String(e)}`,
  ));
  return `rollback: the previous corosync.conf (config_version ${before.configVersion}) is back on ${s.nodes.map((n) => n.name).join(', ')}, ${how.join('; ')}`;
}
