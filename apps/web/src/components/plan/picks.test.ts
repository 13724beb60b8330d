// The plan's picks in the URL (plan-search.ts, picks.ts): validated like the other pages' search params (a value that does not parse is
// absent), parsed and formatted back the same way, and fitted to the cluster (unknown names left out, said).
import { describe, expect, it } from 'vitest';
import { WHATIF_MAX_FAILED } from '@quorate/model';
import { parseSearch, stringifySearch } from '../../routes/serialize';
import { formatPicks, hasPicks, NO_FAILURES, parsePicks, picksFor } from './picks';
import { MAX_PICKS, planSearch } from './plan-search';

const search = (query: string) => planSearch.parse(parseSearch(query));

describe('planSearch', () => {
  it('reads the picks of a shared link', () => {
    expect(search('fail=pve3,pve4&links=pve1:0,pve2:1&qdevice=1')).toEqual({ fail: 'pve3,pve4', links: 'pve1:0,pve2:1', qdevice: '1' });
    expect(parsePicks(search('fail=pve3,pve4&links=pve1:0,pve2:1&qdevice=1'))).toEqual({
      nodes: ['pve3', 'pve4'],
      links: [
        { node: 'pve1', link: 0 },
        { node: 'pve2', link: 1 },
      ],
      qdevice: true,
    });
  });

  it('drops a value that does not parse (not the others): an empty part, a link beyond 7, a qdevice other than 1', () => {
    expect(search('fail=pve3,,pve4&links=pve1:9&qdevice=yes')).toEqual({ fail: undefined, links: undefined, qdevice: undefined });
    expect(search('fail=pve3&links=pve1:x')).toEqual({ fail: 'pve3', links: undefined, qdevice: undefined });
    expect(search('fail=' + 'x'.repeat(65))).toEqual({ fail: undefined, links: undefined, qdevice: undefined });
    expect(search('')).toEqual({ fail: undefined, links: undefined, qdevice: undefined });
    expect(parsePicks(search('fail=a b'))).toEqual(NO_FAILURES);
  });

  it('counts a pick once', () => {
    expect(parsePicks(search('fail=pve3,pve3&links=pve1:0,pve1:0'))).toEqual({ nodes: ['pve3'], links: [{ node: 'pve1', link: 0 }], qdevice: false });
  });

  it('formats picks back to the same URL, and nothing for no picks', () => {
    const picks = { nodes: ['pve3', 'pve4'], links: [{ node: 'pve1', link: 0 }], qdevice: true };
    const url = stringifySearch(formatPicks(picks));
    expect(url).toBe('?fail=pve3%2Cpve4&links=pve1%3A0&qdevice=1');
    expect(parsePicks(search(url.slice(1)))).toEqual(picks);
    expect(formatPicks(NO_FAILURES)).toEqual({ fail: undefined, links: undefined, qdevice: undefined });
    expect(stringifySearch(formatPicks(NO_FAILURES))).toBe('');
  });

  it("the bound is the model's", () => {
    expect(MAX_PICKS).toBe(WHATIF_MAX_FAILED);
  });
});

describe('picksFor', () => {
  const cluster = { nodes: ['pve1', 'pve2', 'pve3'], links: [0, 1], qdevice: false };

  it("keeps the cluster's nodes and links, in the cluster's order", () => {
    const { picks, ignored } = picksFor(
      {
        nodes: ['pve3', 'pve1'],
        links: [
          { node: 'pve2', link: 1 },
          { node: 'pve1', link: 1 },
          { node: 'pve1', link: 0 },
        ],
        qdevice: false,
      },
      cluster,
    );
    expect(picks).toEqual({
      nodes: ['pve1', 'pve3'],
      links: [
        { node: 'pve1', link: 0 },
        { node: 'pve1', link: 1 },
        { node: 'pve2', link: 1 },
      ],
      qdevice: false,
    });
    expect(ignored).toEqual([]);
  });

  it('leaves out what the cluster does not have, and says so', () => {
    const { picks, ignored } = picksFor({ nodes: ['pve9', 'pve2'], links: [{ node: 'pve1', link: 3 }, { node: 'pve8', link: 0 }], qdevice: true }, cluster);
    expect(picks).toEqual({ nodes: ['pve2'], links: [], qdevice: false });
    expect(ignored).toEqual(['pve9', 'pve1 link 3', 'pve8 link 0', 'the QDevice (this cluster has none)']);
    expect(picksFor({ ...NO_FAILURES, qdevice: true }, { ...cluster, qdevice: true }).picks.qdevice).toBe(true);
  });

  it('hasPicks', () => {
    expect(hasPicks(NO_FAILURES)).toBe(false);
    expect(hasPicks({ ...NO_FAILURES, qdevice: true })).toBe(true);
    expect(hasPicks({ ...NO_FAILURES, links: [{ node: 'a', link: 0 }] })).toBe(true);
  });
});
