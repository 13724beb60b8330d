// The link thresholds form's rules (react-hook-form validates with these through the zod resolver):
// zod/mini, in the admin page's lazy chunk only. The fields are the text of number inputs; durations are
// asked in seconds and sent in ms. The BFF checks the same bounds (model link-health.ts LinkThresholds).
import * as z from 'zod/mini';
import type { LinkThresholds, LinkThresholdsUpdate } from '../../api/links';

function figure(what: string, max: number, unit: string) {
  return z.string().check(
    z.trim(),
    z.minLength(1, `Enter ${what.toLowerCase()}.`),
    z.refine((v) => v === '' || Number.isFinite(Number(v)), `${what} must be a number.`),
    z.refine((v) => !(Number(v) < 0), `${what} cannot be below 0.`),
    z.refine((v) => !(Number(v) > max), `${what} can be at most ${max} ${unit}.`),
  );
}

export const LinkThresholdsForm = z
  .object({
    warnLatencyMs: figure('The warn mark', 10_000, 'ms'),
    badLatencyMs: figure('The bad mark', 10_000, 'ms'),
    lossPct: figure('The loss limit', 100, '%'),
    sustainS: figure('The time to degrade', 3600, 's'),
    recoverS: figure('The time to recover', 3600, 's'),
  })
  .check(
    z.refine((v) => !(Number(v.warnLatencyMs) > Number(v.badLatencyMs)), {
      message: 'The warn mark cannot be above the bad mark.',
      path: ['warnLatencyMs'],
    }),
  );
export type LinkThresholdsForm = z.output<typeof LinkThresholdsForm>;

export function toForm(t: LinkThresholds): LinkThresholdsForm {
  return {
    warnLatencyMs: String(t.warnLatencyMs),
    badLatencyMs: String(t.badLatencyMs),
    lossPct: String(t.lossPct),
    sustainS: String(t.sustainMs / 1000),
    recoverS: String(t.recoverMs / 1000),
  };
}

export function fromForm(f: LinkThresholdsForm): LinkThresholdsUpdate {
  return {
    warnLatencyMs: Number(f.warnLatencyMs),
    badLatencyMs: Number(f.badLatencyMs),
    lossPct: Number(f.lossPct),
    sustainMs: Math.round(Number(f.sustainS) * 1000),
    recoverMs: Math.round(Number(f.recoverS) * 1000),
  };
}
