// Corosync timing: how long failures take to show. Pure arithmetic, used by the simulator and the
// early warning ("pve3 will be dropped in ~6 s").

/**
 * The token timeout in use (cmap runtime.config.totem.token): token + (nodes − 2) × token_coefficient
 * for 3 or more nodes (corosync.conf(5)). Corosync's default coefficient is 650 ms; PVE 9 writes 125.
 * Real: token 3000, 3 nodes → 3650 ms ("token timed out (3650ms)" in the lab log).
 */
export function runtimeTokenMs(tokenMs: number, nodeCount: number, coefficientMs = 650): number {
  return tokenMs + Math.max(0, nodeCount - 2) * coefficientMs;
}

/**
 * From a crash / cut link to the new membership: token timeout, then consensus (1.2 × token), minus
 * the part of the token rotation already elapsed. Fitted to lab measurements (3 nodes, corosync 3.1.7):
 * ~7.6 s with token 3000 (runtime 3650 ms) and ~3.4 s with token 1000 (runtime 1650 ms) → ≈ 2.08 ×.
 */
export function membershipDetectionMs(runtimeToken: number): number {
  return Math.round(2.08 * runtimeToken);
}

/**
 * From a cut link to knet reporting it disconnected (ping timeout). Lab measurements: ~1.3–1.9 s with
 * the default token (runtime 3650 ms), ~0.6 s with token 1000 (runtime 1650 ms) → ≈ 0.35 ×.
 * knet's ping interval/timeout derive from the token, hence the proportionality.
 */
export function knetLinkDownDetectionMs(runtimeToken: number): number {
  return Math.round(0.35 * runtimeToken);
}

/**
 * From a node (re)starting or a link returning to the node being back in the membership. The lab log
 * shows joins within one to two seconds of corosync starting; 0.5 × the runtime token is a rough,
 * unmeasured approximation used by the simulator.
 */
export function rejoinDelayMs(runtimeToken: number): number {
  return Math.round(0.5 * runtimeToken);
}
