import { describe, expect, it } from 'vitest';
import { follow } from './useMirror';

const start = { seen: [] as string[], local: [] as string[], pending: [] as string[][] };

describe('follow: a URL-held value shown at once', () => {
  it('two quick clicks: the URL catching up with the first keeps the second', () => {
    const clicked = { ...start, local: ['pve3', 'pve4'], pending: [['pve3'], ['pve3', 'pve4']] };
    const first = follow(clicked, ['pve3']);
    expect(first.local).toEqual(['pve3', 'pve4']);
    const second = follow(first, ['pve3', 'pve4']);
    expect(second).toEqual({ seen: ['pve3', 'pve4'], local: ['pve3', 'pve4'], pending: [] });
  });
  it('the URL moved by itself (back, reload): the mirror follows it and forgets what was on its way', () => {
    const clicked = { ...start, local: ['pve3'], pending: [['pve3']] };
    expect(follow(clicked, ['pve5'])).toEqual({ seen: ['pve5'], local: ['pve5'], pending: [] });
  });
  it('an unchanged URL gives the same mirror back (no re-render loop)', () => {
    expect(follow(start, [])).toBe(start);
  });
});
