// The per-link series of /metrics, written as Prometheus text directly. Through prom-client's labelled gauges
// (a label hash per set, then its serializer) 33 clusters' links took ~400 ms a scrape and stalled the replica
// that long (bench:scale): a scrape every 15 s cost every socket a late patch. Here it is one pass per metric,
// in chunks of at most CHUNK_LINES lines: the route sends each and lets the event loop run between them
// (33 clusters' links are ~2 MB and 10–25 ms of work; one cluster of 32 nodes × 8 links is 32,000 lines).
import type { LinkObservation } from '@quorate/model';
import { isLed, type ClusterRegistry } from './clusters';

/**
 * Per-link series: a cluster of n nodes with L links has at most n·(n−1)·L of them per metric (each node reports
 * each peer on each link). The model bounds L at 8 (LinkNumber 0–7) and the sources and the create wizard bound n
 * at 32: at most 32·31·8 = 7,936 series per metric per cluster; 3 nodes × 2 links = 12.
 */
/** lines per chunk of the link series (about 200 KB) */
export const CHUNK_LINES = 2_000;

export const LINK_CARDINALITY = 'at most n·(n−1)·links series per cluster (n nodes; 32 nodes × 8 links = 7,936); with replicas, from the one running the cluster';

interface LinkMetric {
  name: string;
  help: string;
  /** null: no sample (not measured) */
  value: (l: LinkObservation) => number | null;
}

export const LINK_METRICS: readonly LinkMetric[] = [
  { name: 'quorate_link_connected', help: '1 when the knet link from one node to a peer is connected, 0 when not', value: (l) => Number(l.connected) },
  { name: 'quorate_link_latency_avg_milliseconds', help: 'average knet latency of the link from one node to a peer (ms); absent while not measured', value: (l) => l.latencyAvgMs },
  { name: 'quorate_link_latency_max_milliseconds', help: 'maximum knet latency of the link from one node to a peer (ms); absent while not measured', value: (l) => l.latencyMaxMs },
  { name: 'quorate_link_loss_percent', help: 'packet loss of the link from one node to a peer (%); absent where the source cannot know it', value: (l) => l.lossPct },
];

/** a label value as the text format wants it: backslash, double quote and newline escaped */
const label = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const help = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** prom-client's number format: Infinity and NaN spelled as Prometheus reads them */
function sample(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/**
 * The link series of the clusters run here (a cluster mirrored here is exported by the replica running it:
 * each series once), in chunks of at most `chunkLines` lines, each ending in a newline. All are read from the
 * snapshots current when the first chunk is asked for.
 */
export function* linkMetricsChunks(clusters: Pick<ClusterRegistry, 'all'>, chunkLines = CHUNK_LINES): Generator<string> {
  // each link's labels once, for all the metrics
  const links = clusters.all().flatMap((c) => {
    const s = isLed(c) ? c.feed.current()?.snapshot : undefined;
    if (!s) return [];
    const name = new Map(s.nodes.map((n) => [n.id, label(n.name)]));
    const cluster = label(c.config.id);
    return s.links.map((l) => ({ l, labels: `{cluster="${cluster}",from="${name.get(l.from) ?? l.from}",to="${name.get(l.to) ?? l.to}",link="${l.link}"}` }));
  });
  let lines: string[] = [];
  for (const m of LINK_METRICS) {
    lines.push(`# HELP ${m.name} ${help(`${m.help}; ${LINK_CARDINALITY}`)}`, `# TYPE ${m.name} gauge`);
    for (const { l, labels } of links) {
      const v = m.value(l);
      if (v === null) continue;
      lines.push(`${m.name}${labels} ${sample(v)}`);
      if (lines.length >= chunkLines) {
        yield lines.join('\n') + '\n';
        lines = [];
      }
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}

/** all of the link series in one string (tests, small registries) */
export const linkMetricsText = (clusters: Pick<ClusterRegistry, 'all'>): string => [...linkMetricsChunks(clusters)].join('');
