// bench:render's probe (bench/render.ts): from a patch's arrival to the end of the overview's commit. Off —
// one property read per patch — unless the page set `window.__quorateRenderProbe = []` before it loaded.
const page = globalThis as { __quorateRenderProbe?: number[] };
let patchAt = 0;

/** a patch arrived from the socket */
export function patchArrived(): void {
  if (page.__quorateRenderProbe) patchAt = performance.now();
}

/** the overview committed a new revision (a layout effect: after the DOM changed, before the paint) */
export function revisionCommitted(): void {
  const out = page.__quorateRenderProbe;
  if (!out || patchAt === 0) return;
  out.push(performance.now() - patchAt);
  patchAt = 0;
}
