// The `?sample=` pages: every sample's incidents are valid incidents whose events are the sample's own.
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { ClusterEvent, IncidentList } from '@quorate/model';
import { queryKeys } from '../api/keys';
import { SAMPLE_NAMES, seedSample } from './samples';

function seeded(name: string) {
  const qc = new QueryClient();
  seedSample(qc, name);
  return {
    events: (qc.getQueryData<ClusterEvent[]>(queryKeys.events('')) ?? []).map((e) => ClusterEvent.parse(e)),
    incidents: IncidentList.parse(qc.getQueryData(queryKeys.incidents(''))).incidents,
  };
}

describe('samples', () => {
  it.each(SAMPLE_NAMES)('%s: its incidents group its own events', (name) => {
    const { events, incidents } = seeded(name);
    const seqs = new Set(events.map((e) => e.seq));
    for (const i of incidents) {
      expect(i.eventSeqs.every((s) => seqs.has(s)), i.title).toBe(true);
      expect(i.startedAt).toBe(Math.min(...events.filter((e) => i.eventSeqs.includes(e.seq)).map((e) => e.at)));
    }
  });

  it('lost: one incident per missing node and the quorum loss, all open; partition: one partition incident', () => {
    expect(seeded('lost').incidents.map((i) => [i.cause, i.subject, i.endedAt])).toEqual([
      ['quorum-lost', 'cluster', null],
      ['node-left', 'pve3', null],
      ['node-left', 'pve2', null],
    ]);
    expect(seeded('partition').incidents.map((i) => i.cause)).toEqual(['partition']);
    expect(seeded('quorate').incidents).toEqual([]);
  });
});
