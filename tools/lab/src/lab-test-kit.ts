// Test code only: what every lab test file of tools/lab shares — the gate (run when the lab can run here;
// on CI a lab that cannot run is a failure, elsewhere a skip that says why) and the per-step timings each
// file prints at the end.
import { describe, it } from 'vitest';
import { labAvailable } from './lab';

/** register `body` under `title` when the lab can run; `what` names the tests in the failure or the skip */
export async function describeLab(what: string, title: string, body: () => void, needs: { sshd?: boolean; qnetd?: boolean } = {}): Promise<void> {
  const avail = await labAvailable(needs).catch((err: unknown) => ({ ok: false, reason: String(err) }));
  if (avail.ok) {
    describe(title, body);
  } else if (process.env.CI === 'true') {
    describe(`${what} (CI)`, () => {
      it('can run the real-Corosync lab', () => {
        throw new Error(`CI=true but the lab cannot run here: ${avail.reason}`);
      });
    });
  } else {
    console.warn(`${what} tests skipped: ${avail.reason}`);
    describe.skip(`${what} (skipped: ${avail.reason})`, () => {
      it('needs root and corosync', () => {});
    });
  }
}

/** each step's time, printed as it ends and again together by report() */
export function stepTimer(prefix: string) {
  const timings: Array<[string, number]> = [];
  return {
    async timed<T>(step: string, fn: () => Promise<T>): Promise<T> {
      const t0 = performance.now();
      const out = await fn();
      const ms = Math.round(performance.now() - t0);
      timings.push([step, ms]);
      console.log(`[lab ${prefix}] ${step}: ${ms} ms`);
      return out;
    },
    report(): void {
      console.log(`[lab ${prefix}] timings:\n${timings.map(([s, ms]) => `  ${String(ms).padStart(6)} ms  ${s}`).join('\n')}`);
    },
  };
}
