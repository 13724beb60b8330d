import { describe, expect, it } from 'vitest';
import type { Incident } from '@quorate/model';
import { incidentBySeq, incidentDuration, incidentsInRange } from './incidents';

const T = 1_700_000_000_000;
const incident = (id: string, startedAt: number, endedAt: number | null, eventSeqs: number[] = []): Incident => ({
  id,
  clusterId: 'lab',
  cause: 'node-unreachable',
  subject: 'pve7',
  title: 'pve7 unreachable',
  startedAt,
  endedAt,
  severity: 'warning',
  eventSeqs,
  eventCount: eventSeqs.length,
  affected: ['pve7'],
  related: [],
});

describe('incidentsInRange', () => {
  const early = incident('early', T, T + 5_000);
  const late = incident('late', T + 60_000, T + 70_000);
  const open = incident('open', T + 100_000, null);
  const all = [early, open, late];

  it('no range: all of them, newest first', () => {
    expect(incidentsInRange(all, {}, T + 200_000).map((i) => i.id)).toEqual(['open', 'late', 'early']);
  });
  it('an incident that starts before the range and ends in it counts; one that ended before does not', () => {
    expect(incidentsInRange(all, { after: T + 65_000 }, T + 200_000).map((i) => i.id)).toEqual(['open', 'late']);
    expect(incidentsInRange(all, { after: T + 70_001 }, T + 200_000).map((i) => i.id)).toEqual(['open']);
  });
  it('the end is exclusive: an incident starting at `before` is outside', () => {
    expect(incidentsInRange(all, { before: T + 60_000 }, T + 200_000).map((i) => i.id)).toEqual(['early']);
    expect(incidentsInRange(all, { after: T + 1_000, before: T + 2_000 }, T + 200_000).map((i) => i.id)).toEqual(['early']);
  });
  it('an open incident lasts until now', () => {
    expect(incidentsInRange([open], { after: T + 150_000 }, T + 200_000)).toHaveLength(1);
    expect(incidentsInRange([open], { after: T + 250_000 }, T + 200_000)).toHaveLength(0);
  });
});

describe('incidentBySeq', () => {
  it('maps each event to its incident', () => {
    const a = incident('a', T, T + 1, [1, 2]);
    const b = incident('b', T, T + 1, [5]);
    const m = incidentBySeq([a, b]);
    expect(m.get(2)?.id).toBe('a');
    expect(m.get(5)?.id).toBe('b');
    expect(m.has(3)).toBe(false);
  });
});

describe('incidentDuration', () => {
  it('whole seconds when short, the usual units when long, until now when open', () => {
    expect(incidentDuration(incident('x', T, T + 8_400), 0)).toBe('8 s');
    expect(incidentDuration(incident('x', T, T + 125_000), 0)).toBe('2 min');
    expect(incidentDuration(incident('x', T, null), T + 3_000)).toBe('3 s');
  });
});
