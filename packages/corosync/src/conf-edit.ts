// Changes to a cluster's Corosync links in corosync.conf (issue 16), the hand edits Proxmox leaves to the admin:
// add a link (up to 8), remove one, change a node's address on a link, a link's knet_link_priority, the
// totem link_mode. Each works on the parsed tree (comments and unknown keys survive), bumps
// totem.config_version, and is refused in words when corosync would reject the result or the cluster could
// split (a node without an address on a link, two nodes on one address, the last link removed).
// Pure: reading and writing the file, and the reload, are the sources' (corosync-cfgtool -R).
import { parseCorosyncConf, sectionsNamed, serializeCorosyncConf, validateCorosyncConf, type ConfItem, type CorosyncConf } from './corosync-conf';

/** knet: link0..link7 (KNET_MAX_LINK 8) */
export const MAX_LINKS = 8;
export const LINK_MODES = ['passive', 'active', 'rr'] as const;
export type LinkMode = (typeof LINK_MODES)[number];

export type LinkEdit =
  /** a new link: an address for every node (by name), optionally its knet_link_priority */
  | { kind: 'add-link'; link: number; addresses: Record<string, string>; priority?: number }
  | { kind: 'remove-link'; link: number }
  | { kind: 'set-address'; node: string; link: number; address: string }
  | { kind: 'set-priority'; link: number; priority: number }
  | { kind: 'set-link-mode'; mode: LinkMode };

export type EditResult = { ok: true; conf: CorosyncConf; text: string; configVersion: { from: number; to: number } } | { ok: false; error: string };

type Section = Extract<ConfItem, { type: 'section' }>;
type Pair = Extract<ConfItem, { type: 'pair' }>;

const RING = /^ring(\d)_addr$/;
const pair = (items: ConfItem[], key: string): Pair | undefined => items.find((i): i is Pair => i.type === 'pair' && i.key === key);
const setPair = (items: ConfItem[], key: string, value: string, after?: (i: ConfItem) => boolean): void => {
  const p = pair(items, key);
  if (p) {
    p.value = value;
    return;
  }
  const at = after ? items.reduce((last, i, k) => (after(i) ? k : last), -1) : -1;
  items.splice(at >= 0 ? at + 1 : items.length, 0, { type: 'pair', key, value });
};

/** an IPv4 or IPv6 address, or a host name corosync resolves (ringX_addr takes both) */
export function isLinkAddress(a: string): boolean {
  return a.length <= 253 && (/^\d{1,3}(\.\d{1,3}){3}$/.test(a) ? a.split('.').every((x) => Number(x) <= 255) : /^[0-9A-Fa-f:]+$/.test(a) ? a.includes(':') : /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(a));
}

interface Parts {
  totem: Section;
  nodes: Section[];
}

function partsOf(conf: CorosyncConf): Parts | string {
  const totem = sectionsNamed(conf.items, 'totem')[0];
  if (!totem) return 'corosync.conf has no totem section';
  const nodelist = sectionsNamed(conf.items, 'nodelist')[0];
  const nodes = nodelist ? sectionsNamed(nodelist.items, 'node') : [];
  if (nodes.length === 0) return 'corosync.conf has no nodelist';
  return { totem, nodes };
}

const nameOf = (node: Section) => pair(node.items, 'name')?.value ?? `nodeid ${pair(node.items, 'nodeid')?.value ?? '?'}`;
const addressOf = (node: Section, link: number) => pair(node.items, `ring${link}_addr`)?.value;

/** the links the nodelist has addresses on (any node), ascending */
export function linksOf(conf: CorosyncConf): number[] {
  const p = partsOf(conf);
  if (typeof p === 'string') return [];
  const out = new Set<number>();
  for (const n of p.nodes) for (const i of n.items) if (i.type === 'pair' && RING.test(i.key)) out.add(Number(RING.exec(i.key)![1]));
  return [...out].sort((a, b) => a - b);
}

function interfaceOf(totem: Section, link: number): Section | undefined {
  const all = sectionsNamed(totem.items, 'interface');
  // an interface without linknumber is link 0 (corosync's default)
  return all.find((s) => Number(pair(s.items, 'linknumber')?.value ?? 0) === link);
}

function check(p: Parts, edit: LinkEdit, links: number[]): string | null {
  const linkOk = (l: number) => Number.isInteger(l) && l >= 0 && l < MAX_LINKS;
  switch (edit.kind) {
    case 'add-link': {
      if (!linkOk(edit.link)) return `link ${edit.link}: links are 0 to ${MAX_LINKS - 1}`;
      if (links.includes(edit.link)) return `link ${edit.link} exists already`;
      if (links.length >= MAX_LINKS) return `the cluster has ${MAX_LINKS} links, knet's most`;
      if (edit.priority !== undefined && !(Number.isInteger(edit.priority) && edit.priority >= 0 && edit.priority <= 255)) return 'knet_link_priority is 0 to 255';
      const names = p.nodes.map(nameOf);
      const missing = names.filter((n) => !edit.addresses[n]);
      if (missing.length > 0) return `every node needs an address on link ${edit.link}: none for ${missing.join(', ')}`;
      const unknown = Object.keys(edit.addresses).filter((n) => !names.includes(n));
      if (unknown.length > 0) return `not in the nodelist: ${unknown.join(', ')}`;
      const bad = Object.entries(edit.addresses).filter(([, a]) => !isLinkAddress(a));
      if (bad.length > 0) return `not an address: ${bad.map(([n, a]) => `${n} ${JSON.stringify(a)}`).join(', ')}`;
      const values = Object.values(edit.addresses);
      if (new Set(values).size !== values.length) return `two nodes on one address on link ${edit.link}`;
      const used = p.nodes.flatMap((n) => links.map((l) => addressOf(n, l))).filter((a): a is string => a !== undefined);
      const reused = values.filter((a) => used.includes(a));
      if (reused.length > 0) return `already used on another link: ${reused.join(', ')} (each link needs its own network)`;
      return null;
    }
    case 'remove-link':
      if (!links.includes(edit.link)) return `there is no link ${edit.link}`;
      if (links.length === 1) return `link ${edit.link} is the only link: the cluster would have none`;
      return null;
    case 'set-address': {
      if (!links.includes(edit.link)) return `there is no link ${edit.link}`;
      const node = p.nodes.find((n) => nameOf(n) === edit.node);
      if (!node) return `no node ${edit.node} in the nodelist`;
      if (!isLinkAddress(edit.address)) return `not an address: ${JSON.stringify(edit.address)}`;
      if (addressOf(node, edit.link) === edit.address) return `${edit.node} has ${edit.address} on link ${edit.link} already`;
      const clash = p.nodes.find((n) => n !== node && links.some((l) => addressOf(n, l) === edit.address));
      if (clash) return `${edit.address} is ${nameOf(clash)}'s`;
      if (links.some((l) => l !== edit.link && addressOf(node, l) === edit.address)) return `${edit.address} is ${edit.node}'s address on another link`;
      return null;
    }
    case 'set-priority':
      if (!links.includes(edit.link)) return `there is no link ${edit.link}`;
      if (!(Number.isInteger(edit.priority) && edit.priority >= 0 && edit.priority <= 255)) return 'knet_link_priority is 0 to 255';
      return null;
    case 'set-link-mode':
      return (LINK_MODES as readonly string[]).includes(edit.mode) ? null : `link_mode is one of ${LINK_MODES.join(', ')}`;
  }
}

/** The edited configuration with config_version + 1, or why not. The input is not changed. */
export function applyLinkEdit(original: CorosyncConf, edit: LinkEdit): EditResult {
  // a plain tree of strings: a JSON copy is a deep copy
  const conf = JSON.parse(JSON.stringify(original)) as CorosyncConf;
  const p = partsOf(conf);
  if (typeof p === 'string') return { ok: false, error: p };
  const links = linksOf(conf);
  const refused = check(p, edit, links);
  if (refused) return { ok: false, error: refused };
  const isRing = (i: ConfItem) => i.type === 'pair' && (RING.test(i.key) || i.key === 'nodeid' || i.key === 'name' || i.key === 'quorum_votes');
  switch (edit.kind) {
    case 'add-link': {
      for (const n of p.nodes) setPair(n.items, `ring${edit.link}_addr`, edit.addresses[nameOf(n)]!, isRing);
      const items: ConfItem[] = [{ type: 'pair', key: 'linknumber', value: String(edit.link) }];
      if (edit.priority !== undefined) items.push({ type: 'pair', key: 'knet_link_priority', value: String(edit.priority) });
      const lastIface = p.totem.items.reduce((last, i, k) => (i.type === 'section' && i.name === 'interface' ? k : last), -1);
      p.totem.items.splice(lastIface >= 0 ? lastIface + 1 : p.totem.items.length, 0, { type: 'section', name: 'interface', items });
      break;
    }
    case 'remove-link':
      for (const n of p.nodes) n.items = n.items.filter((i) => !(i.type === 'pair' && i.key === `ring${edit.link}_addr`));
      p.totem.items = p.totem.items.filter((i) => i !== interfaceOf(p.totem, edit.link));
      break;
    case 'set-address':
      setPair(p.nodes.find((n) => nameOf(n) === edit.node)!.items, `ring${edit.link}_addr`, edit.address);
      break;
    case 'set-priority': {
      let iface = interfaceOf(p.totem, edit.link);
      if (!iface) {
        iface = { type: 'section', name: 'interface', items: [{ type: 'pair', key: 'linknumber', value: String(edit.link) }] };
        p.totem.items.push(iface);
      }
      setPair(iface.items, 'knet_link_priority', String(edit.priority));
      break;
    }
    case 'set-link-mode':
      setPair(p.totem.items, 'link_mode', edit.mode, (i) => i.type === 'pair');
      break;
  }
  const from = Number(pair(p.totem.items, 'config_version')?.value ?? 0);
  if (!Number.isInteger(from) || from < 0) return { ok: false, error: `totem.config_version is not a number: ${JSON.stringify(pair(p.totem.items, 'config_version')?.value)}` };
  setPair(p.totem.items, 'config_version', String(from + 1), (i) => i.type === 'pair' && i.key === 'cluster_name');
  const problems = validateCorosyncConf(conf);
  if (problems.length > 0) return { ok: false, error: `the result would not be a valid corosync.conf: ${problems.join('; ')}` };
  const text = serializeCorosyncConf(conf);
  // what is written must read back as itself (the file pmxcfs distributes is read by every node's corosync)
  const back = parseCorosyncConf(text);
  if (!back.ok || serializeCorosyncConf(back.value) !== text) return { ok: false, error: 'the result does not read back as written' };
  // every node has an address on every link, and no address twice (corosync would refuse, or the cluster split)
  const after = linksOf(conf);
  for (const n of p.nodes) for (const l of after) if (!addressOf(n, l)) return { ok: false, error: `${nameOf(n)} would have no address on link ${l}` };
  return { ok: true, conf, text, configVersion: { from, to: from + 1 } };
}

/** An edit of a file's text: parsed, edited, written; a file that does not parse is refused as it is. */
export function editCorosyncConfText(text: string, edit: LinkEdit): EditResult {
  const parsed = parseCorosyncConf(text);
  if (!parsed.ok) return { ok: false, error: `corosync.conf does not parse: ${parsed.error.message}${parsed.error.line ? ` (line ${parsed.error.line})` : ''}` };
  return applyLinkEdit(parsed.value, edit);
}
