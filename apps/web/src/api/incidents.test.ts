// The incidents list in the cache: socket messages replace by id; a fetch keeps what the socket brought
// while it was on its way, and drops what the server no longer has.
import { describe, expect, it } from 'vitest';
import type { Incident } from '@quorate/model';
import { applyIncidentChange, INCIDENT_LIMIT, mergeIncidents } from './incidents';

const inc = (seq: number, patch: Partial<Incident> = {}): Incident => ({
  id: `lab:${seq}`,
  clusterId: 'lab',
  cause: 'node-unreachable',
  subject: 'pve7',
  title: 'pve7 unreachable from all 15 peers on both links',
  startedAt: seq * 1000,
  endedAt: null,
  severity: 'warning',
  eventSeqs: [seq],
  eventCount: 1,
  affected: ['pve7'],
  related: [],
  ...patch,
});

describe('applyIncidentChange', () => {
  it('adds a new incident, replaces one by id, keeps newest first', () => {
    let list = applyIncidentChange(undefined, { change: 'opened', incident: inc(5) });
    list = applyIncidentChange(list, { change: 'opened', incident: inc(9) });
    list = applyIncidentChange(list, { change: 'closed', incident: inc(5, { endedAt: 8000, eventCount: 31 }) });
    expect(list.incidents.map((i) => [i.id, i.endedAt])).toEqual([
      ['lab:9', null],
      ['lab:5', 8000],
    ]);
  });

  it('stays bounded', () => {
    let list = { incidents: Array.from({ length: INCIDENT_LIMIT }, (_, k) => inc(k + 1)) };
    list = applyIncidentChange(list, { change: 'opened', incident: inc(INCIDENT_LIMIT + 1) });
    expect(list.incidents).toHaveLength(INCIDENT_LIMIT);
    expect(list.incidents[0]?.id).toBe(`lab:${INCIDENT_LIMIT + 1}`);
  });
});

describe('mergeIncidents', () => {
  it('a copy the socket closed during the fetch beats the open copy the fetch returned', () => {
    const closed = inc(5, { endedAt: 9000, eventCount: 32 });
    const merged = mergeIncidents({ incidents: [closed] }, { incidents: [inc(5, { eventCount: 31 })] }, () => true);
    expect(merged.incidents).toEqual([closed]);
  });

  it("the fetch wins over the cache's older copy, and over copies that came before the fetch began", () => {
    const fetched = inc(5, { endedAt: 9000, eventCount: 32 });
    expect(mergeIncidents({ incidents: [inc(5)] }, { incidents: [fetched] }, () => true).incidents).toEqual([fetched]);
    expect(mergeIncidents({ incidents: [inc(5, { eventCount: 40 })] }, { incidents: [fetched] }, () => false).incidents).toEqual([fetched]);
  });

  it('an incident opened during the fetch is kept; one the server no longer has is dropped', () => {
    const fresh = inc(12);
    const gone = inc(3);
    const merged = mergeIncidents({ incidents: [fresh, gone] }, { incidents: [inc(5)] }, (i) => i === fresh);
    expect(merged.incidents.map((i) => i.id)).toEqual(['lab:12', 'lab:5']);
  });
});
