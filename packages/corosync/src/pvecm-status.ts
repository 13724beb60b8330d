// `pvecm status`: pvecm's own "Cluster information" block (printf "%-17s %s\n"), then `corosync-quorumtool -siH`.
import { fail, guard, ok, requireText, type ParseResult } from './result';
import { buildStatus, type QuorumtoolStatus } from './quorumtool-status';
import { parseLabelLine, splitSections, type Section } from './sections';

export interface PvecmClusterInfo {
  /** pvecm prints `UNKOWN?` (sic) when totem has no cluster_name */
  name: string;
  /** -1 when totem has no config_version */
  configVersion: number;
  transport: string;
  secureAuth: boolean;
}

export interface PvecmStatus extends QuorumtoolStatus {
  cluster: PvecmClusterInfo | null;
}

function parseClusterSection(section: Section, warnings: string[]): ParseResult<PvecmClusterInfo> {
  const map = new Map<string, { value: string; no: number; text: string }>();
  for (const l of section.lines) {
    if (l.text.trim() === '') continue;
    const kv = parseLabelLine(l.text);
    if (!kv) {
      warnings.push(`line ${l.no}: unexpected text in ${section.title}: ${JSON.stringify(l.text)}`);
      continue;
    }
    map.set(kv.label, { value: kv.value.trim(), no: l.no, text: l.text });
  }
  const get = (label: string) => map.get(label);
  const name = get('Name');
  const version = get('Config Version');
  const transport = get('Transport');
  const secure = get('Secure auth');
  if (!name || !version || !transport || !secure) {
    const missing = ['Name', 'Config Version', 'Transport', 'Secure auth'].filter((l) => !map.has(l));
    return fail(`${section.title}: missing ${missing.map((m) => `"${m}:"`).join(', ')}`, section.no);
  }
  if (!/^-?\d+$/.test(version.value) || !Number.isSafeInteger(Number(version.value))) {
    return fail(`${section.title}: "Config Version" is not a number`, version.no, version.text);
  }
  if (secure.value !== 'on' && secure.value !== 'off') {
    return fail(`${section.title}: "Secure auth" is neither on nor off`, secure.no, secure.text);
  }
  return ok({
    name: name.value,
    configVersion: Number(version.value),
    transport: transport.value,
    secureAuth: secure.value === 'on',
  });
}

export function parsePvecmStatus(text: string): ParseResult<PvecmStatus> {
  return guard('pvecm status', () => {
    const input = requireText(text, 'pvecm status');
    if (!input.ok) return input;
    const warnings: string[] = [];
    const report = splitSections(input.value);
    let cluster: PvecmClusterInfo | null = null;
    const clusterSection = report.sections.find((s) => s.title === 'Cluster information');
    if (clusterSection) {
      if (report.sections.filter((s) => s.title === 'Cluster information').length > 1) {
        return fail('second "Cluster information" section', clusterSection.no);
      }
      const c = parseClusterSection(clusterSection, warnings);
      if (!c.ok) return c;
      cluster = c.value;
    } else {
      warnings.push('no "Cluster information" section (not pvecm output?)');
    }
    const status = buildStatus(report.sections, report.preamble, warnings, new Set(['Cluster information']));
    if (!status.ok) return status;
    return ok({ cluster, ...status.value }, status.warnings);
  });
}
