// Shared helpers for runners: capped output collection, line splitting, the result shape.
import type { CommandResult } from './types';

/** Collects at most maxBytes of a stream; everything after is drained and dropped. */
export class CappedBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer | string): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const room = this.maxBytes - this.size;
    if (room <= 0) {
      if (buf.length > 0) this.truncated = true;
      return;
    }
    if (buf.length > room) {
      this.chunks.push(buf.subarray(0, room));
      this.size += room;
      this.truncated = true;
      return;
    }
    this.chunks.push(buf);
    this.size += buf.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Splits a byte stream into lines ("\n" or "\r\n"); a partial last line is flushed by end(). */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingSize = 0;
  private overflowed = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes: number,
  ) {}

  push(chunk: Buffer | string): void {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10)) {
      this.append(buf.subarray(0, nl));
      this.emit();
      buf = buf.subarray(nl + 1);
    }
    this.append(buf);
  }

  end(): void {
    if (this.pendingSize > 0 || this.overflowed) this.emit();
  }

  private append(part: Buffer): void {
    const room = this.maxLineBytes - this.pendingSize;
    if (part.length > room) this.overflowed = true;
    const kept = part.length > room ? part.subarray(0, Math.max(0, room)) : part;
    if (kept.length > 0) {
      this.pending.push(kept);
      this.pendingSize += kept.length;
    }
  }

  private emit(): void {
    let line = Buffer.concat(this.pending).toString('utf8');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.pending = [];
    this.pendingSize = 0;
    this.overflowed = false;
    this.onLine(line);
  }
}

/** The one way a runner turns what it collected into a CommandResult. */
export function commandResult(
  exit: { code: number | null; signal: string | null },
  stdout: CappedBuffer,
  stderr: CappedBuffer,
  timedOut: boolean,
  startedAt: number,
): CommandResult {
  return {
    code: exit.code,
    signal: exit.signal,
    stdout: stdout.text(),
    stderr: stderr.text(),
    timedOut,
    truncated: stdout.truncated || stderr.truncated,
    durationMs: performance.now() - startedAt,
  };
}
