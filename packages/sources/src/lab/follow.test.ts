// Issue 8 item 6: the lab source follows its lab. A lab rebuilt with other nodes under a running source
// is re-attached (no ghost node, no node without a view) and what happens is logged. Writes state files
// of a made-up prefix under /run/quorate-lab (root only; the namespaces do not exist, so every node is
// simply unreachable).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { STATE_DIR, stateFile, type LabState } from './state';
import { createLabSource } from './source';

const PREFIX = 'qfollow';
const isRoot = process.getuid?.() === 0;

function state(names: string[], createdAt: string): LabState {
  return {
    version: 1,
    prefix: PREFIX,
    clusterName: 'lab-cluster',
    links: 1,
    token: 1000,
    nodes: names.map((name, i) => ({
      name,
      nodeid: i + 1,
      namespace: `${PREFIX}-n${i + 1}`,
      addresses: [`198.18.0.${11 + i}`],
      dir: `/tmp/quorate-lab-${PREFIX}/${name}`,
      conf: `/tmp/quorate-lab-${PREFIX}/${name}/corosync.conf`,
      log: `/tmp/quorate-lab-${PREFIX}/${name}/corosync.log`,
      pidFile: `/tmp/quorate-lab-${PREFIX}/${name}/corosync.pid`,
      pid: null,
    })),
    bridgeNamespace: `${PREFIX}-br`,
    namespaces: [...names.map((_, i) => `${PREFIX}-n${i + 1}`), `${PREFIX}-br`],
    dir: `/tmp/quorate-lab-${PREFIX}`,
    authkey: `/tmp/quorate-lab-${PREFIX}/authkey`,
    createdAt,
    pastPids: [],
  } as LabState;
}
const write = (s: LabState) => {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(stateFile(PREFIX), JSON.stringify(s));
};
const until = async (pred: () => boolean, what: string) => {
  for (let i = 0; i < 200; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
};

afterEach(() => rmSync(stateFile(PREFIX), { force: true }));

describe.skipIf(!isRoot)('the lab source follows its lab', () => {
  it('re-attaches to a rebuilt lab with other nodes, and logs the lab going and coming back', async () => {
    write(state(['pve1', 'pve2', 'pve3', 'pve4'], '2026-12-01T03:00:00.000Z'));
    const logs: string[] = [];
    const source = await createLabSource(PREFIX, { reloadMs: 50, toolTimeoutMs: 500, log: (l) => logs.push(l) });
    await source.start();
    try {
      expect(source.nodeStates().map((n) => n.name)).toEqual(['pve1', 'pve2', 'pve3', 'pve4']);
      expect(logs[0]).toMatch(/^attached to lab 'qfollow' \(built 2026-12-01T03:00:00.000Z\): 4 nodes pve1, pve2, pve3, pve4/);

      rmSync(stateFile(PREFIX));
      await until(() => logs.some((l) => l.startsWith(`no lab '${PREFIX}' is running`)), 'the lab gone');

      write(state(['pve1', 'pve2'], '2026-12-01T03:05:00.000Z'));
      await until(() => source.nodeStates().length === 2, 'the rebuilt lab');
      expect(source.nodeStates().map((n) => n.name)).toEqual(['pve1', 'pve2']);
      expect(logs.some((l) => /2 nodes pve1, pve2.*replaces.*4 nodes.*re-attaching/.test(l))).toBe(true);
      // the snapshot follows too: no ghost pve3/pve4
      await until(() => (source.current()?.views.length ?? 0) === 2, 'a snapshot of the new lab');
    } finally {
      await source.stop();
    }
  });
});
