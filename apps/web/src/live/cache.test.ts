// Whether a quorum was ever known for a cluster on this page: set by the first snapshot with a quorum,
// kept through later ones without.
import { describe, expect, it } from 'vitest';
import { sampleSnapshot } from '@quorate/model/testing';
import { nextEntry } from './cache';

describe('nextEntry', () => {
  const known = sampleSnapshot({ storage: false });
  const unknown = { ...known, quorum: null, observer: null };

  it('nothing known yet: no quorum now, none before', () => {
    expect(nextEntry(undefined, 1, unknown, 10).hadQuorum).toBe(false);
    expect(nextEntry(nextEntry(undefined, 1, unknown, 10), 2, unknown, 20).hadQuorum).toBe(false);
  });
  it('once a quorum was seen, a later snapshot without one is a "last known" case', () => {
    const first = nextEntry(undefined, 1, known, 10);
    expect(first.hadQuorum).toBe(true);
    const later = nextEntry(first, 2, unknown, 20);
    expect(later).toEqual({ rev: 2, snapshot: unknown, receivedAt: 20, hadQuorum: true });
  });
});
