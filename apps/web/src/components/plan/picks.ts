// The what-if's picks between the URL (plan-search.ts) and the page: parsed, formatted back, and fitted to
// the cluster (names it lacks are left out and said). With the plan page's chunk, not the router's.
import type { WhatIfFailures } from '../../api/whatif';
import { LINK_PICK, MAX_LINK, MAX_PICKS, NAME, type PlanSearch } from './plan-search';

export const NO_FAILURES: WhatIfFailures = { nodes: [], links: [], qdevice: false };

/** the failures a search names, each once, in the order given */
export function parsePicks(search: PlanSearch): WhatIfFailures {
  const nodes = [...new Set((search.fail ?? '').split(',').filter((p) => NAME.test(p)))].slice(0, MAX_PICKS);
  const links: WhatIfFailures['links'] = [];
  for (const part of (search.links ?? '').split(',')) {
    const m = LINK_PICK.exec(part);
    if (!m) continue;
    const pick = { node: m[1]!, link: Number(m[2]) };
    if (!links.some((l) => l.node === pick.node && l.link === pick.link) && links.length < MAX_PICKS) links.push(pick);
  }
  return { nodes, links, qdevice: search.qdevice === '1' };
}

/** the search params for these failures (absent when empty: a clean URL for "nothing fails") */
export function formatPicks(fail: WhatIfFailures): Pick<PlanSearch, 'fail' | 'links' | 'qdevice'> {
  const nodes = [...new Set(fail.nodes)].filter((n) => NAME.test(n));
  const links = fail.links.filter((l) => NAME.test(l.node) && Number.isInteger(l.link) && l.link >= 0 && l.link <= MAX_LINK).map((l) => `${l.node}:${l.link}`);
  return {
    fail: nodes.length ? nodes.join(',') : undefined,
    links: links.length ? [...new Set(links)].join(',') : undefined,
    qdevice: fail.qdevice ? '1' : undefined,
  };
}

/**
 * The picks that fit this cluster (the BFF refuses unknown names with a 400): nodes of `nodes` only, links
 * among `links` only, the QDevice only when there is one; `ignored` says what was dropped, in words.
 * Nodes and links come back in the cluster's order (a stable query key however they were clicked).
 */
export function picksFor(
  fail: WhatIfFailures,
  cluster: { nodes: readonly string[]; links: readonly number[]; qdevice: boolean },
): { picks: WhatIfFailures; ignored: string[] } {
  const known = new Set(cluster.nodes);
  const order = new Map(cluster.nodes.map((n, i) => [n, i]));
  const ignored: string[] = [];
  for (const n of fail.nodes) if (!known.has(n)) ignored.push(n);
  for (const l of fail.links) if (!known.has(l.node) || !cluster.links.includes(l.link)) ignored.push(`${l.node} link ${l.link}`);
  if (fail.qdevice && !cluster.qdevice) ignored.push('the QDevice (this cluster has none)');
  const nodes = fail.nodes.filter((n) => known.has(n)).sort((a, b) => order.get(a)! - order.get(b)!);
  const links = fail.links
    .filter((l) => known.has(l.node) && cluster.links.includes(l.link))
    .sort((a, b) => order.get(a.node)! - order.get(b.node)! || a.link - b.link);
  return { picks: { nodes, links, qdevice: fail.qdevice && cluster.qdevice }, ignored };
}

export const hasPicks = (f: WhatIfFailures): boolean => f.nodes.length > 0 || f.links.length > 0 || f.qdevice;
