// Corosync log lines, for the few messages a dashboard acts on (membership, quorum, knet links).
// Two layouts: corosync's own logfile (`Nov 25 22:27:17.857 [6120] vm corosync notice  [MAIN  ] ...`,
// timestamp: hires) and syslog/journal (`Nov 25 22:27:17 pve1 corosync[6120]:   [TOTEM ] ...`).
import { fail, guard, ok, requireText, type ParseResult } from './result';

export type CorosyncLogEvent =
  /** TOTEM: "A new membership (1.e) was formed. Members joined: 2" (and/or "left: 3") */
  | { kind: 'membership'; ringId: string; joined: number[]; left: number[] }
  /** QUORUM: "Members[2]: 1 2" (the final list, not the Sync ones) */
  | { kind: 'quorum-members'; members: number[] }
  /** QUORUM: primary component (quorate) or non-primary */
  | { kind: 'quorate'; quorate: boolean }
  /** KNET: "link: host: 3 link: 0 is down" / "rx: host: 3 link: 0 is up" */
  | { kind: 'link'; nodeId: number; link: number; up: boolean }
  /** KNET: "host: host: 3 has no active links" */
  | { kind: 'host-unreachable'; nodeId: number }
  /** TOTEM: "A processor failed, forming new configuration: token timed out (3650ms), waiting 4380ms for consensus." */
  | { kind: 'token-timeout'; tokenMs: number; consensusMs: number | null }
  /** CFG: "Config reload requested by node 1" */
  | { kind: 'config-reload'; byNodeId: number };

export interface CorosyncLogLine {
  /** as printed, without a year (e.g. `Nov 25 22:27:17.857`) */
  time: string;
  pid: number;
  host: string | null;
  /** null in the syslog layout, which carries the level out of band */
  level: string | null;
  subsystem: string;
  message: string;
  event: CorosyncLogEvent | null;
}

const FILE_LAYOUT = /^(\w{3} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?) \[(\d+)\] (\S+) corosync (\w+)\s+\[([A-Z]+)\s*\] ?(.*)$/;
const SYSLOG_LAYOUT = /^(\w{3} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?) (\S+) corosync\[(\d+)\]:\s+\[([A-Z]+)\s*\] ?(.*)$/;

const ids = (text: string | undefined): number[] =>
  (text ?? '')
    .trim()
    .split(/\s+/)
    .filter((t) => /^\d+$/.test(t))
    .map(Number);

export function classifyLogMessage(subsystem: string, message: string): CorosyncLogEvent | null {
  let m: RegExpExecArray | null;
  if (subsystem === 'TOTEM' && (m = /^A new membership \(([^)]+)\) was formed\. Members(.*)$/.exec(message))) {
    const rest = m[2] ?? '';
    return {
      kind: 'membership',
      ringId: m[1] ?? '',
      joined: ids(/joined:([\d ]*)/.exec(rest)?.[1]),
      left: ids(/left:([\d ]*)/.exec(rest)?.[1]),
    };
  }
  if (subsystem === 'QUORUM' && (m = /^Members\[\d+\]:(.*)$/.exec(message))) return { kind: 'quorum-members', members: ids(m[1]) };
  if (subsystem === 'QUORUM' && message.startsWith('This node is within the primary component')) return { kind: 'quorate', quorate: true };
  if (subsystem === 'QUORUM' && message.startsWith('This node is within the non-primary component')) return { kind: 'quorate', quorate: false };
  if (subsystem === 'KNET' && (m = /host: (\d+) link: (\d+) is (up|down)\s*$/.exec(message))) {
    return { kind: 'link', nodeId: Number(m[1]), link: Number(m[2]), up: m[3] === 'up' };
  }
  if (subsystem === 'KNET' && (m = /host: host: (\d+) has no active links/.exec(message))) return { kind: 'host-unreachable', nodeId: Number(m[1]) };
  if (subsystem === 'TOTEM' && (m = /token timed out \((\d+)ms\)(?:, waiting (\d+)ms for consensus)?/.exec(message))) {
    return { kind: 'token-timeout', tokenMs: Number(m[1]), consensusMs: m[2] === undefined ? null : Number(m[2]) };
  }
  if (subsystem === 'CFG' && (m = /^Config reload requested by node (\d+)/.exec(message))) return { kind: 'config-reload', byNodeId: Number(m[1]) };
  return null;
}

export function parseCorosyncLogLine(line: string): ParseResult<CorosyncLogLine> {
  return guard('corosync log', () => {
    const input = requireText(line, 'corosync log');
    if (!input.ok) return input;
    const text = input.value.replace(/\r?\n$/, '');
    let m = FILE_LAYOUT.exec(text);
    if (m) {
      const [, time = '', pid = '', host = '', level = '', subsystem = '', message = ''] = m;
      return ok({ time, pid: Number(pid), host, level, subsystem, message, event: classifyLogMessage(subsystem, message) });
    }
    m = SYSLOG_LAYOUT.exec(text);
    if (m) {
      const [, time = '', host = '', pid = '', subsystem = '', message = ''] = m;
      return ok({ time, pid: Number(pid), host, level: null, subsystem, message, event: classifyLogMessage(subsystem, message) });
    }
    return fail('not a corosync log line', 1, text);
  });
}
