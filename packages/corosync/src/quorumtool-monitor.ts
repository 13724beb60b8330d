// `corosync-quorumtool -m`: one status report at start and one per membership/quorum change, each
// ended by an empty line. Output arrives in arbitrary chunks, so lines and blocks are reassembled here.
import { fail, type ParseResult } from './result';
import { parseQuorumtoolStatus, type QuorumtoolStatus } from './quorumtool-status';

const BLOCK_START = 'Quorum information';
/** A runaway block (no end seen) is cut here rather than buffered forever. */
const MAX_BLOCK_LINES = 2000;
/** the watcher runs for days: keep only the latest stray lines */
const MAX_NOISE_LINES = 100;
/** A runaway line (no newline seen) is cut here. */
const MAX_LINE_CHARS = 64 * 1024;

export interface MonitorBlock {
  /** the block's text, lines joined with \n (no trailing newline) */
  text: string;
  result: ParseResult<QuorumtoolStatus>;
}

/**
 * Incremental splitter/parser. `push()` returns the blocks completed by that chunk, `end()` flushes what is
 * left when the stream closes. Text outside blocks (e.g. "Quorum is not configured - cannot monitor") is
 * passed on as `noise` so the caller can log it.
 */
export class QuorumtoolMonitorParser {
  private partial = '';
  private block: string[] | null = null;
  private inMembership = false;
  readonly noise: string[] = [];

  push(chunk: string): MonitorBlock[] {
    const out: MonitorBlock[] = [];
    try {
      if (typeof chunk !== 'string') return out;
      const data = this.partial + chunk;
      const parts = data.split('\n');
      this.partial = parts.pop() ?? '';
      if (this.partial.length > MAX_LINE_CHARS) {
        parts.push(this.partial.slice(0, MAX_LINE_CHARS));
        this.partial = '';
      }
      for (const raw of parts) this.line(raw.endsWith('\r') ? raw.slice(0, -1) : raw, out);
    } catch (err) {
      this.reset();
      out.push({ text: '', result: fail(`corosync-quorumtool -m: internal parser error: ${String(err)}`) });
    }
    return out;
  }

  /** Flushes a trailing line and any unfinished block (parsed as is: it may fail). */
  end(): MonitorBlock[] {
    const out: MonitorBlock[] = [];
    try {
      if (this.partial !== '') {
        const last = this.partial;
        this.partial = '';
        this.line(last, out);
      }
      this.flush(out);
    } catch (err) {
      out.push({ text: '', result: fail(`corosync-quorumtool -m: internal parser error: ${String(err)}`) });
    }
    this.reset();
    return out;
  }

  private reset(): void {
    this.partial = '';
    this.block = null;
    this.inMembership = false;
  }

  private line(text: string, out: MonitorBlock[]): void {
    if (text.trim() === BLOCK_START) {
      // a new report while one is open: the old one never got its closing empty line
      this.flush(out);
      this.block = [text];
      return;
    }
    if (!this.block) {
      if (text.trim() !== '') {
        this.noise.push(text);
        if (this.noise.length > MAX_NOISE_LINES) this.noise.shift();
      }
      return;
    }
    if (text.trim() === 'Membership information') this.inMembership = true;
    if (this.inMembership && text.trim() === '') {
      this.flush(out);
      return;
    }
    this.block.push(text);
    if (this.block.length >= MAX_BLOCK_LINES) this.flush(out);
  }

  private flush(out: MonitorBlock[]): void {
    if (this.block) {
      const text = this.block.join('\n');
      out.push({ text, result: parseQuorumtoolStatus(text) });
    }
    this.block = null;
    this.inMembership = false;
  }
}

/** Whole-text convenience: every block in a captured `-m` stream, in order. Never throws (the parser catches). */
export function splitMonitorStream(text: string): MonitorBlock[] {
  const p = new QuorumtoolMonitorParser();
  return [...p.push(typeof text === 'string' ? text : ''), ...p.end()];
}
