import { describe, expect, it } from 'vitest';
import { Subscribable } from './subscribable';

describe('Subscribable', () => {
  it('calls every listener; one that throws neither stops the others nor the caller', () => {
    const errors: unknown[] = [];
    const s = new Subscribable<number>((e) => errors.push(e));
    const seen: number[] = [];
    s.subscribe(() => {
      throw new Error('boom');
    });
    s.subscribe((v) => seen.push(v));
    expect(() => s.emit(1)).not.toThrow();
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(1);
  });

  it('without onError, a throwing listener throws out of emit', () => {
    const s = new Subscribable<number>();
    s.subscribe(() => {
      throw new Error('boom');
    });
    expect(() => s.emit(1)).toThrow('boom');
  });

  it('a listener may unsubscribe while being called; unsubscribe is idempotent', () => {
    const s = new Subscribable<number>();
    const seen: number[] = [];
    const off = s.subscribe((v) => {
      seen.push(v);
      off();
    });
    s.emit(1);
    s.emit(2);
    off();
    expect(seen).toEqual([1]);
    expect(s.size).toBe(0);
  });
});
