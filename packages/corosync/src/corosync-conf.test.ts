import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCmap } from './cmap';
import { cmapNodelist, cmapTotemConfig } from './cmap-runtime';
import {
  parseCorosyncConf,
  serializeCorosyncConf,
  validateCorosyncConf,
  type ConfItem,
  type CorosyncConf,
} from './corosync-conf';
import { confBool, confInt, corosyncConfView, quorumOptionsFromConf } from './corosync-conf-view';
import { fixture, fixtureNames } from './fixtures.test-helper';

function conf(text: string): CorosyncConf {
  const r = parseCorosyncConf(text);
  if (!r.ok) throw new Error(`${r.error.message} (line ${r.error.line})`);
  return r.value;
}

describe('parseCorosyncConf: structure', () => {
  it('keeps order, repeated sections and comments', () => {
    const c = conf('# top\ntotem {\n  version: 2\n  interface {\n    linknumber: 0\n  }\n  interface {\n    linknumber: 1\n  }\n}\n');
    expect(c.items).toEqual([
      { type: 'comment', text: '# top' },
      {
        type: 'section',
        name: 'totem',
        items: [
          { type: 'pair', key: 'version', value: '2' },
          { type: 'section', name: 'interface', items: [{ type: 'pair', key: 'linknumber', value: '0' }] },
          { type: 'section', name: 'interface', items: [{ type: 'pair', key: 'linknumber', value: '1' }] },
        ],
      },
    ]);
  });

  it('follows coroparse.c: first colon splits, # inside a value stays, "name: {" opens a section', () => {
    const c = conf('nodelist {\n\tnode {\n\t\tring0_addr:   fd00::1  \n\t\tname: a # b\n\t}\n}\nquorum: {\n}\n');
    const node = (c.items[0] as Extract<ConfItem, { type: 'section' }>).items[0] as Extract<ConfItem, { type: 'section' }>;
    expect(node.items).toEqual([
      { type: 'pair', key: 'ring0_addr', value: 'fd00::1' },
      { type: 'pair', key: 'name', value: 'a # b' },
    ]);
    expect(c.items[1]).toEqual({ type: 'section', name: 'quorum', items: [] });
  });

  it('warns about lines corosync ignores, fails on unbalanced braces', () => {
    const r = parseCorosyncConf('totem {\n  junk\n  version: 2\n}\n');
    expect(r.ok && r.warnings).toEqual(['line 2: ignored (neither section, key: value nor brace): "junk"']);
    expect(parseCorosyncConf('totem {\n  version: 2\n}\n}\n')).toEqual({
      ok: false,
      error: { line: 4, message: 'unexpected closing brace', text: '}' },
    });
    expect(parseCorosyncConf('totem {\n  interface {\n    linknumber: 0\n}\n')).toEqual({
      ok: false,
      error: { line: 1, message: 'missing closing brace for section "totem"' },
    });
    expect(parseCorosyncConf(undefined as unknown as string)).toMatchObject({ ok: false, error: { line: 0 } });
  });
});

describe('corosync.conf fixtures', () => {
  it('every conf fixture round-trips: parse(serialize(parse(x))) equals parse(x), and serialize is stable', () => {
    const names = fixtureNames(/\.conf$/);
    expect(names).toHaveLength(3);
    for (const name of names) {
      const first = conf(fixture(name));
      const text = serializeCorosyncConf(first);
      expect(conf(text)).toEqual(first);
      expect(serializeCorosyncConf(conf(text))).toBe(text);
      expect(validateCorosyncConf(first)).toEqual([]);
    }
  });

  it('lab conf: typed view agrees with the captured cmap dump of the same cluster', () => {
    const v = corosyncConfView(conf(fixture('corosync-conf__lab-3node__netns-demo-node1.conf')));
    expect(v.totem).toMatchObject({
      version: 2, clusterName: 'lab', configVersion: 1, transport: 'knet', ipVersion: 'ipv4', linkMode: 'passive',
      cryptoCipher: 'aes256', cryptoHash: 'sha256', token: null, tokenCoefficient: null, secauth: null,
    });
    expect(v.totem?.interfaces.map((i) => [i.linknumber, i.knetLinkPriority])).toEqual([[0, null]]);
    expect(v.quorum).toMatchObject({ provider: 'corosync_votequorum', device: null, twoNode: null });
    const dump = parseCmap(fixture('cmapctl-full-icmap__3of3__node1.txt'));
    if (!dump.ok) throw new Error('cmap');
    const fromCmap = cmapNodelist(dump.value).map(({ nodeId, name, quorumVotes, addresses }) => ({ nodeId, name, quorumVotes, addresses }));
    expect(v.nodes.map(({ nodeId, name, quorumVotes, addresses }) => ({ nodeId, name, quorumVotes, addresses }))).toEqual(fromCmap);
    const totem = cmapTotemConfig(dump.value);
    expect([v.totem?.clusterName, v.totem?.configVersion, v.totem?.transport, v.totem?.cryptoCipher]).toEqual([
      totem.clusterName, totem.configVersion, totem.transport, totem.cryptoCipher,
    ]);
    expect(quorumOptionsFromConf(conf(fixture('corosync-conf__lab-3node__netns-demo-node1.conf')))).toEqual({
      expectedVotes: null, twoNode: false, waitForAll: null, lastManStanding: false,
      lastManStandingWindowMs: 10_000, autoTieBreaker: false, autoTieBreakerNode: 'lowest',
    });
  });

  it('PVE-style conf: two links with priorities, IPv6, QDevice', () => {
    const c = conf(fixture('corosync-conf__pve-4node-2link-qdevice__assembled.conf'));
    expect(c.items[0]).toEqual({ type: 'comment', text: '# Assembled in the layout pve-cluster writes (/etc/pve/corosync.conf), not captured.' });
    const v = corosyncConfView(c);
    expect(v.totem).toMatchObject({
      clusterName: 'prod-central', configVersion: 7, secauth: true, tokenCoefficient: 125, ipVersion: 'ipv4-6', version: 2,
    });
    expect(v.totem?.interfaces.map((i) => [i.linknumber, i.knetLinkPriority])).toEqual([[0, 15], [1, 20]]);
    expect(v.nodes.map((n) => [n.nodeId, n.name, n.quorumVotes, n.addresses.map((a) => `${a.link}=${a.address}`).join(' ')])).toEqual([
      [1, 'pve1', 1, '0=10.10.10.1 1=10.20.20.1'],
      [2, 'pve2', 1, '0=10.10.10.2 1=10.20.20.2'],
      [3, 'pve3', 1, '0=10.10.10.3 1=10.20.20.3'],
      [4, 'pve4', 1, '0=10.10.10.4 1=fd00:20::4'],
    ]);
    expect(v.quorum?.provider).toBe('corosync_votequorum');
    expect(v.quorum?.device).toEqual({
      model: 'net', votes: 1, timeout: null, syncTimeout: null,
      net: { algorithm: 'ffsplit', host: '10.30.30.5', port: null, tls: 'on', tieBreaker: 'lowest', raw: { algorithm: 'ffsplit', host: '10.30.30.5', tls: 'on', tie_breaker: 'lowest' } },
      raw: { model: 'net', votes: '1' },
    });
    expect(quorumOptionsFromConf(c)).toMatchObject({ expectedVotes: null, twoNode: false, waitForAll: null });
  });

  it('two-node conf: every votequorum option, tabs, # inside a value', () => {
    const c = conf(fixture('corosync-conf__two-node-lms-atb__assembled.conf'));
    const v = corosyncConfView(c);
    expect(v.totem?.clusterName).toBe('edge # trailing comments are not corosync syntax; this stays part of the value');
    expect(v.totem).toMatchObject({ token: 5000, cryptoCipher: 'none', transport: 'knet' });
    expect(v.nodes.map((n) => [n.nodeId, n.name, n.quorumVotes])).toEqual([[1, 'edge1', null], [2, 'edge2', 2]]);
    expect(v.quorum).toMatchObject({
      expectedVotes: 3, twoNode: true, waitForAll: false, lastManStanding: true, lastManStandingWindow: 20000,
      autoTieBreaker: true, autoTieBreakerNode: '2 1', allowDownscale: null,
    });
    expect(quorumOptionsFromConf(c)).toEqual({
      expectedVotes: 3, twoNode: true, waitForAll: false, lastManStanding: true,
      lastManStandingWindowMs: 20000, autoTieBreaker: true, autoTieBreakerNode: [2, 1],
    });
  });
});

describe('quorumOptionsFromConf edge cases', () => {
  it('no quorum section, highest tie-breaker, unreadable values fall back to defaults', () => {
    expect(quorumOptionsFromConf(conf('totem {\n}\n'))).toMatchObject({ expectedVotes: null, autoTieBreakerNode: 'lowest' });
    expect(quorumOptionsFromConf(conf('quorum {\n auto_tie_breaker_node: highest\n}\n')).autoTieBreakerNode).toBe('highest');
    const odd = quorumOptionsFromConf(conf('quorum {\n expected_votes: 0\n two_node: maybe\n auto_tie_breaker_node: 1 x\n last_man_standing_window: -5\n}\n'));
    expect(odd).toEqual({
      expectedVotes: null, twoNode: false, waitForAll: null, lastManStanding: false,
      lastManStandingWindowMs: 10_000, autoTieBreaker: false, autoTieBreakerNode: 'lowest',
    });
  });

  it('confInt / confBool', () => {
    expect([confInt('12'), confInt(' -3 '), confInt('1.5'), confInt(undefined)]).toEqual([12, -3, null, null]);
    expect([confBool('on'), confBool('0'), confBool('yes'), confBool('2'), confBool('x'), confBool(undefined)]).toEqual([true, false, true, true, null, null]);
  });
});

describe('serializeCorosyncConf / validateCorosyncConf', () => {
  it('writes the pve-cluster layout', () => {
    const text = serializeCorosyncConf({
      items: [
        { type: 'section', name: 'logging', items: [{ type: 'pair', key: 'debug', value: 'off' }] },
        { type: 'section', name: 'quorum', items: [{ type: 'pair', key: 'provider', value: 'corosync_votequorum' }, { type: 'pair', key: 'empty', value: '' }] },
      ],
    });
    expect(text).toBe('logging {\n  debug: off\n}\n\nquorum {\n  provider: corosync_votequorum\n  empty:\n}\n');
    expect(serializeCorosyncConf({ items: [] })).toBe('');
  });

  it('flags what cannot be written back', () => {
    expect(
      validateCorosyncConf({
        items: [
          { type: 'pair', key: 'a{', value: 'x' },
          { type: 'section', name: 'ok', items: [{ type: 'pair', key: 'b', value: 'has { brace' }, { type: 'pair', key: 'c', value: ' padded' }] },
          { type: 'comment', text: 'no hash' },
        ],
      }),
    ).toEqual([
      'a{: unwritable key',
      'ok.b: unwritable value "has { brace"',
      'ok.c: unwritable value " padded"',
      ': comment must be one line starting with #',
    ]);
  });
});

// ---- property tests ---------------------------------------------------------------------------------

const ident = fc.stringMatching(/^[a-z_][a-z0-9_]{0,11}$/);
const value = fc
  .string({ unit: 'grapheme', maxLength: 24 })
  .map((s) => s.replace(/[{\r\n]/g, '').replace(/^[ \t]+|[ \t]+$/g, ''));
const comment = fc.string({ maxLength: 20 }).map((s) => `#${s.replace(/[\r\n]/g, '')}`.replace(/[ \t]+$/, ''));

const { item } = fc.letrec<{ item: ConfItem }>((tie) => ({
  item: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ type: fc.constant('pair' as const), key: ident, value }),
    fc.record({ type: fc.constant('comment' as const), text: comment }),
    fc.record({ type: fc.constant('section' as const), name: ident, items: fc.array(tie('item'), { maxLength: 5 }) }),
  ),
}));
const tree = fc.array(item, { maxLength: 6 }).map((items) => ({ items }) as CorosyncConf);

/** Random conf-ish text: sections, pairs, comments, junk, odd indentation; braces balanced at the end. */
const pad = fc.constantFrom('', '  ', '\t', ' \t ');
const confText = fc
  .array(
    fc.oneof(
      fc.record({ op: fc.constant('open' as const), pad, name: ident, sep: fc.constantFrom('', ' ', '\t', ': ') }),
      fc.record({ op: fc.constant('pair' as const), pad, key: ident, value, sep: fc.constantFrom(':', ': ', ':\t', ' : ') }),
      fc.record({ op: fc.constant('comment' as const), pad, text: comment }),
      fc.record({ op: fc.constant('junk' as const), pad, text: fc.stringMatching(/^[a-z ]{0,10}$/) }),
      fc.record({ op: fc.constant('close' as const), pad }),
    ),
    { maxLength: 30 },
  )
  .map((ops) => {
    let depth = 0;
    const lines: string[] = [];
    for (const o of ops) {
      if (o.op === 'open') {
        lines.push(`${o.pad}${o.name}${o.sep}{`);
        depth++;
      } else if (o.op === 'pair') lines.push(`${o.pad}${o.key}${o.sep}${o.value}`);
      else if (o.op === 'comment' || o.op === 'junk') lines.push(`${o.pad}${o.text}`);
      else if (depth > 0) {
        lines.push(`${o.pad}}`);
        depth--;
      }
    }
    while (depth-- > 0) lines.push('}');
    return lines.join('\n');
  });

describe('corosync.conf round trip (property)', () => {
  it('parse(serialize(tree)) deep-equals tree for writable trees', () => {
    fc.assert(
      fc.property(tree, (t) => {
        expect(validateCorosyncConf(t)).toEqual([]);
        const back = parseCorosyncConf(serializeCorosyncConf(t));
        expect(back.ok).toBe(true);
        if (back.ok) expect(back.value).toEqual(t);
      }),
      { numRuns: 300 },
    );
  });

  it('parse(serialize(parse(x))) deep-equals parse(x) for generated conf text', () => {
    fc.assert(
      fc.property(confText, (text) => {
        const first = parseCorosyncConf(text);
        expect(first.ok).toBe(true);
        if (!first.ok) return;
        const second = parseCorosyncConf(serializeCorosyncConf(first.value));
        expect(second.ok).toBe(true);
        if (second.ok) expect(second.value).toEqual(first.value);
      }),
      { numRuns: 300 },
    );
  });
});
