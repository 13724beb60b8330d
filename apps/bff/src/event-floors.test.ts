import { describe, expect, it } from 'vitest';
import { EventFloors } from './event-floors';

describe('EventFloors', () => {
  it('skips a socket up to its floor, then lets it go for good', () => {
    const f = new EventFloors();
    f.set('c1', 'a', 5);
    f.set('c1', 'b', 7);
    expect(f.skip('c1', 5)).toEqual(['a', 'b']);
    expect(f.skip('c1', 6)).toEqual(['b']);
    expect(f.size()).toBe(1);
    expect(f.skip('c1', 8)).toEqual([]);
    expect(f.size()).toBe(0);
    expect(f.skip('c2', 1)).toEqual([]);
  });

  it('clears a socket, and with a seq only that floor (not a newer subscribe\'s)', () => {
    const f = new EventFloors();
    f.set('c1', 'a', 5);
    f.set('c1', 'a', 9);
    f.clear('c1', 'a', 5);
    expect(f.skip('c1', 9)).toEqual(['a']);
    f.clear('c1', 'a');
    expect(f.size()).toBe(0);
  });
});
