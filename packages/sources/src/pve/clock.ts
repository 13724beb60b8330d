// A node's clock over the API: GET /nodes/{node}/time gives whole seconds, too coarse for a 500 ms skew
// check. So the clock is sampled CLOCK_SPACING_MS apart until its second ticks over: the tick happened between
// two local instants, which places the remote clock against the local one to about the spacing plus a
// round trip. Two nodes measured so, side by side, give their offset.
import { NodeTime } from './ops-schemas';
import type { PveClient } from './client';

/** samples of one clock at most, and their spacing (ms): together more than a second, so a tick is seen */
export const CLOCK_SAMPLES = 14;
export const CLOCK_SPACING_MS = 100;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** the node's clock minus the local one (ms), or null when no tick was seen */
export async function clockVsLocal(client: PveClient, node: string, now: () => number = Date.now): Promise<number | null> {
  let prev: { secs: number; before: number } | null = null;
  for (let i = 0; i < CLOCK_SAMPLES; i++) {
    const before = now();
    const secs = Math.floor(NodeTime.parse(await client.get(`nodes/${encodeURIComponent(node)}/time`)).time);
    const after = now();
    // the remote second began between the previous sample's start and this one's end
    if (prev !== null && secs === prev.secs + 1) return secs * 1000 - (prev.before + after) / 2;
    prev = { secs, before };
    await sleep(CLOCK_SPACING_MS);
  }
  return null;
}
