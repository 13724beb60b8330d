// The silence form's request: N hours (bounded as the model's SilenceInput), or a window in local time that
// has not ended and ends after it starts; cluster and rule optional (null), the reason required.
import { describe, expect, it } from 'vitest';
import { emptySilence, silenceRequest } from './silence-form';

const NOW = new Date(2026, 0, 10, 12, 0).getTime();

describe('silenceRequest', () => {
  it('for N hours: every cluster and rule unless chosen', () => {
    expect(silenceRequest({ ...emptySilence(), hours: '1.5', reason: ' NIC swap ' }, NOW)).toEqual({ ok: true, request: { hours: 1.5, cluster: null, rule: null, reason: 'NIC swap' } });
    expect(silenceRequest({ ...emptySilence(), cluster: 'lab', rule: 'link-degraded', reason: 'x' }, NOW)).toEqual({ ok: true, request: { hours: 2, cluster: 'lab', rule: 'link-degraded', reason: 'x' } });
  });

  it('the reason is required; hours within 0.05..720', () => {
    expect(silenceRequest({ ...emptySilence(), reason: '  ' }, NOW)).toEqual({ ok: false, errors: { reason: 'Say why (it is in the delivery log).' } });
    for (const hours of ['0', '721', 'soon', '']) expect(silenceRequest({ ...emptySilence(), hours, reason: 'x' }, NOW).ok, hours).toBe(false);
  });

  it('a window in local time: from now when no start; ends after it starts and not in the past', () => {
    const w = { ...emptySilence(), mode: 'window' as const, reason: 'upgrade' };
    expect(silenceRequest({ ...w, endsAt: '2026-01-10T14:00' }, NOW)).toEqual({ ok: true, request: { endsAt: new Date(2026, 0, 10, 14, 0).getTime(), cluster: null, rule: null, reason: 'upgrade' } });
    expect(silenceRequest({ ...w, startsAt: '2026-01-11T01:00', endsAt: '2026-01-11T03:30' }, NOW)).toMatchObject({ ok: true, request: { startsAt: new Date(2026, 0, 11, 1, 0).getTime(), endsAt: new Date(2026, 0, 11, 3, 30).getTime() } });
    expect(silenceRequest({ ...w, endsAt: '' }, NOW)).toEqual({ ok: false, errors: { endsAt: 'When the window ends.' } });
    expect(silenceRequest({ ...w, endsAt: '2026-01-10T11:00' }, NOW)).toEqual({ ok: false, errors: { endsAt: 'That is already over.' } });
    expect(silenceRequest({ ...w, startsAt: '2026-01-11T05:00', endsAt: '2026-01-11T03:00' }, NOW)).toEqual({ ok: false, errors: { endsAt: 'The end must come after the start.' } });
  });
});
