// deploy/prometheus and deploy/grafana against the real thing: promtool checks and unit-tests the rules, and every
// metric name the rules and the dashboard use is in a live sim BFF's /metrics, with the link series the
// cardinality bound promises (n·(n−1)·links per cluster).
import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync, rmSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimSource } from '@quorate/sources';
import type { QuorateServer } from './app';
import { bearerFetch, startSimServer, tempDataDir } from './testing/harness';

const run = promisify(execFile);
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const rulesDir = join(root, 'deploy/prometheus');
const rulesFile = join(rulesDir, 'quorate-rules.yml');
const rulesTestFile = join(rulesDir, 'quorate-rules.test.yml');
const dashboardFile = join(root, 'deploy/grafana/quorate-dashboard.json');

/** promtool on PATH (Debian's prometheus package: /usr/bin/promtool), or null */
function findPromtool(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, 'promtool');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}
const promtool = findPromtool();
const isRoot = process.getuid?.() === 0;
// scripts/test.sh installs it as root; only without both is a skip honest
const skipPromtool = !promtool && !isRoot;
if (skipPromtool) console.warn('promtool tests skipped: promtool is not installed and this is not root (as root, scripts/test.sh installs Debian\'s prometheus package)');

describe.skipIf(skipPromtool)(`the Prometheus rules (promtool${skipPromtool ? ': skipped, not installed and not root' : ''})`, () => {
  it('pass promtool check rules', async () => {
    if (!promtool) throw new Error('promtool is missing: as root, scripts/test.sh installs it (apt-get install prometheus)');
    const { stdout } = await run(promtool, ['check', 'rules', rulesFile]);
    expect(stdout).toMatch(/SUCCESS: 6 rules found/);
  });

  it('pass their unit tests (promtool test rules): each fires, none on a healthy cluster', async () => {
    if (!promtool) throw new Error('promtool is missing: as root, scripts/test.sh installs it (apt-get install prometheus)');
    const { stdout } = await run(promtool, ['test', 'rules', rulesTestFile], { cwd: rulesDir });
    expect(stdout).toMatch(/SUCCESS/);
    // every rule has a test that expects it to fire
    const tests = readFileSync(rulesTestFile, 'utf8');
    for (const alert of alertNames()) expect(tests, alert).toMatch(new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`));
  });
});

/** the rules' alert names */
function alertNames(): string[] {
  return [...readFileSync(rulesFile, 'utf8').matchAll(/^\s*- alert: (\w+)$/gm)].map((m) => m[1]!);
}

const METRIC = /\bquorate_[a-z_]+/g;
/** a histogram's or summary's series are named after it plus a suffix */
const baseName = (n: string) => n.replace(/_(bucket|sum|count)$/, '');

/** the metric names in the rules' expressions and annotation templates (comments aside) */
function ruleMetricNames(): Set<string> {
  const text = readFileSync(rulesFile, 'utf8');
  const exprs = [...text.matchAll(/^\s*expr: (.+)$/gm)].map((m) => m[1]!);
  // one single-line expr per rule: a folded one would be missed here
  expect(exprs).toHaveLength(alertNames().length);
  const names = new Set(exprs.flatMap((e) => e.match(METRIC) ?? []));
  const withoutComments = text.replace(/^\s*#.*$/gm, '');
  for (const n of withoutComments.match(METRIC) ?? []) names.add(n);
  return new Set([...names].map(baseName));
}

/** every PromQL string of the dashboard: panel targets and the template variables' queries */
function dashboardExpressions(): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string | null): void => {
    if (typeof v === 'string') {
      if (key === 'expr' || key === 'definition' || key === 'query') out.push(v);
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, null);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, k);
    }
  };
  walk(JSON.parse(readFileSync(dashboardFile, 'utf8')), null);
  return out;
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
/** the Prometheus text format's samples (label values here never hold a quote or a comma) */
function parseSamples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

describe('the rules and the Grafana dashboard against a live /metrics', () => {
  let server: QuorateServer;
  let url = '';
  let viewer = '';
  let operator = '';
  let dataDir = '';
  // the default 3-node sim with 2 links, and a 2-node one with a QDevice
  const LINKS = 2;
  beforeAll(async () => {
    dataDir = tempDataDir();
    const clusters = [
      { id: 'lab-cluster', source: 'sim', nodes: 3, links: LINKS, default: true },
      { id: 'qd', source: 'sim', nodes: 2, links: LINKS, qdevice: {} },
    ];
    ({ server, url, tokens: { viewer, operator } } = await startSimServer(dataDir, { QUORATE_CLUSTERS: JSON.stringify(clusters) }));
  });
  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const scrape = async (): Promise<{ text: string; samples: Sample[] }> => {
    const res = await bearerFetch(`${url}/metrics`, viewer);
    expect(res.status).toBe(200);
    const text = await res.text();
    return { text, samples: parseSamples(text) };
  };
  const series = (samples: Sample[], name: string, cluster: string) => samples.filter((s) => s.name === name && s.labels.cluster === cluster);

  it('has every metric the rules use, with samples', async () => {
    const { samples } = await scrape();
    const live = new Set(samples.map((s) => baseName(s.name)));
    const used = ruleMetricNames();
    expect([...used].filter((n) => !live.has(n))).toEqual([]);
    // the parse found them all: the expressions and the annotations' queries
    expect([...used].sort()).toEqual(
      expect.arrayContaining(['quorate_quorate', 'quorate_node_online', 'quorate_link_loss_percent', 'quorate_link_connected', 'quorate_link_latency_avg_milliseconds', 'quorate_source_state', 'quorate_qdevice_connected', 'quorate_votes_present']),
    );
  });

  it('has every metric the dashboard uses, with samples, and the cluster variable over quorate_quorate', async () => {
    const { samples } = await scrape();
    const live = new Set(samples.map((s) => baseName(s.name)));
    const exprs = dashboardExpressions();
    expect(exprs).toContain('label_values(quorate_quorate, cluster)');
    const used = new Set(exprs.flatMap((e) => e.match(METRIC) ?? []).map(baseName));
    expect(used.size).toBeGreaterThanOrEqual(12);
    expect(used).toContain('quorate_alert_deliveries_total');
    expect(used).toContain('quorate_link_latency_max_milliseconds');
    expect([...used].filter((n) => !live.has(n))).toEqual([]);
    const dash = JSON.parse(readFileSync(dashboardFile, 'utf8')) as { schemaVersion: number; templating: { list: { name: string }[] } };
    expect(dash.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dash.templating.list.map((v) => v.name)).toContain('cluster');
  });

  it('has n·(n−1)·links latency and loss series per cluster (3 nodes: 12, 2 nodes: 4), labelled like quorate_link_connected', async () => {
    const { samples } = await scrape();
    for (const [cluster, n] of [['lab-cluster', 3], ['qd', 2]] as const) {
      const bound = n * (n - 1) * LINKS;
      const connected = series(samples, 'quorate_link_connected', cluster);
      expect(connected, cluster).toHaveLength(bound);
      const keys = (xs: Sample[]) => xs.map((s) => `${s.labels.from}>${s.labels.to}#${s.labels.link}`).sort();
      for (const name of ['quorate_link_latency_avg_milliseconds', 'quorate_link_latency_max_milliseconds', 'quorate_link_loss_percent']) {
        const xs = series(samples, name, cluster);
        expect(xs, `${name} ${cluster}`).toHaveLength(bound);
        expect(keys(xs)).toEqual(keys(connected));
        expect(Object.keys(xs[0]!.labels).sort()).toEqual(['cluster', 'from', 'link', 'to']);
        for (const s of xs) expect(s.value).toBeGreaterThanOrEqual(0);
      }
      for (const s of series(samples, 'quorate_link_latency_max_milliseconds', cluster)) {
        const avg = series(samples, 'quorate_link_latency_avg_milliseconds', cluster).find((a) => a.labels.from === s.labels.from && a.labels.to === s.labels.to && a.labels.link === s.labels.link)!;
        expect(s.value).toBeGreaterThanOrEqual(avg.value);
      }
    }
    // the help text states the bound
    const { text } = await scrape();
    expect(text).toMatch(/^# HELP quorate_link_loss_percent .*n·\(n−1\)·links series per cluster/m);
  });

  it('gives the QDevice, the source state and the nodes; leaves no QDevice series for a cluster without one', async () => {
    const { samples } = await scrape();
    expect(series(samples, 'quorate_qdevice_connected', 'qd').map((s) => s.value)).toEqual([1]);
    expect(series(samples, 'quorate_qdevice_votes', 'qd').map((s) => s.value)).toEqual([1]);
    expect(series(samples, 'quorate_qdevice_connected', 'lab-cluster')).toEqual([]);
    const states = Object.fromEntries(series(samples, 'quorate_source_state', 'lab-cluster').map((s) => [s.labels.state, s.value]));
    expect(states).toEqual({ starting: 0, ok: 1, degraded: 0, down: 0 });
    expect(series(samples, 'quorate_node_online', 'lab-cluster').map((s) => [s.labels.node, s.value])).toEqual([
      ['pve1', 1],
      ['pve2', 1],
      ['pve3', 1],
    ]);
  });

  it('counts alert deliveries through the hook, every channel type and result from 0', async () => {
    const deliveries = (await scrape()).samples.filter((s) => s.name === 'quorate_alert_deliveries_total');
    expect(deliveries).toHaveLength(8 * 3);
    expect(Object.keys(deliveries[0]!.labels).sort()).toEqual(['channel_type', 'result']);
    expect(deliveries.every((s) => s.value === 0)).toBe(true);
    server.metrics.alertDelivered('ntfy', 'failed');
    server.metrics.alertDelivered('ntfy', 'failed');
    server.metrics.alertDelivered('webhook', 'suppressed');
    const after = (await scrape()).samples.filter((s) => s.name === 'quorate_alert_deliveries_total' && s.value > 0);
    expect(after.map((s) => [s.labels.channel_type, s.labels.result, s.value]).sort()).toEqual([
      ['ntfy', 'failed', 2],
      ['webhook', 'suppressed', 1],
    ]);
  });

  it('leaves out latency that is not measured: pve3 stopped, its links are down and have no latency series', async () => {
    const sim = server.collectors.get('lab-cluster')!.source as SimSource;
    expect((await bearerFetch(`${url}/api/v1/sim/faults?cluster=lab-cluster`, operator, { method: 'POST', body: { action: 'stop', nodes: ['pve3'] } })).status).toBe(202);
    sim.advance(10_000);
    await expect.poll(async () => series((await scrape()).samples, 'quorate_node_online', 'lab-cluster').find((s) => s.labels.node === 'pve3')?.value).toBe(0);
    const { samples } = await scrape();
    const touches3 = (s: Sample) => s.labels.from === 'pve3' || s.labels.to === 'pve3';
    const down = series(samples, 'quorate_link_connected', 'lab-cluster').filter(touches3);
    expect(down.length).toBeGreaterThan(0);
    expect(down.every((s) => s.value === 0)).toBe(true);
    const latency = series(samples, 'quorate_link_latency_avg_milliseconds', 'lab-cluster');
    expect(latency.filter(touches3)).toEqual([]);
    // pve1 ↔ pve2 still measured on both links, both ways
    expect(latency).toHaveLength(2 * 1 * LINKS);
  });
});
