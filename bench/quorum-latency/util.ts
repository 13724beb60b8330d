// Small helpers of bench:quorum-latency: timestamps lists, waiting on them, medians, a free port.
import { createServer } from 'node:net';

export interface Stamped<T> {
  /** Date.now() at arrival */
  at: number;
  value: T;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The first entry at or after `from` that satisfies pred; polls the (growing) list. */
export async function firstAfter<T>(list: () => readonly Stamped<T>[], from: number, pred: (v: T) => boolean, what: string, timeoutMs = 60_000): Promise<Stamped<T>> {
  const t0 = Date.now();
  for (;;) {
    const hit = list().find((s) => s.at >= from && pred(s.value));
    if (hit) return hit;
    if (Date.now() - t0 > timeoutMs) {
      const last = list().at(-1);
      throw new Error(`waited ${timeoutMs} ms for ${what}; last seen: ${JSON.stringify(last?.value ?? null).slice(0, 800)}`);
    }
    await sleep(25);
  }
}

export async function until(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, seen?: () => Promise<string>): Promise<void> {
  const t0 = Date.now();
  while (!(await pred())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`waited ${timeoutMs} ms for ${what}${seen ? `; last seen: ${await seen()}` : ''}`);
    await sleep(50);
  }
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
