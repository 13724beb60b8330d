import { describe, expect, it } from 'vitest';
import { catchUpText } from './connection';

describe('catchUpText', () => {
  it('counts the missed events the BFF replays', () => {
    expect(catchUpText('patches', { events: 3, tooFarBehind: false })).toBe('Reconnected: caught up on 3 missed events');
    expect(catchUpText('snapshot', { events: 1, tooFarBehind: false })).toBe('Reconnected: caught up on 1 missed event');
  });
  it('never "caught up on 0 missed events": nothing missed is said in words', () => {
    expect(catchUpText('patches', { events: 0, tooFarBehind: false })).toBe('Reconnected: nothing was missed');
    expect(catchUpText('snapshot', { events: 0, tooFarBehind: false })).toBe('Reconnected: nothing was missed');
  });
  it('says when the client was too far behind and reloaded everything', () => {
    expect(catchUpText('snapshot', { events: 0, tooFarBehind: true })).toBe('Reconnected: was too far behind: reloaded the full state');
  });
  it('without a catch-up count, says how the state came back', () => {
    expect(catchUpText('snapshot', undefined)).toBe('Reconnected: reloaded the full state');
    expect(catchUpText('patches', undefined)).toBe('Reconnected: caught up');
  });
});
