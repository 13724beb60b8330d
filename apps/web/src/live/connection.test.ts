import { describe, expect, it } from 'vitest';
import { afterConnectError, catchUpText, CONNECT_RETRY_MAX_MS, CONNECT_RETRY_MS } from './connection';

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

describe('afterConnectError', () => {
  it('unauthorized: to sign-in, no retry', () => {
    expect(afterConnectError('unauthorized', false, 0)).toEqual({ error: 'not signed in', unauthorized: true, retryInMs: null });
  });

  it('a transport failure socket.io retries itself: only the words', () => {
    expect(afterConnectError('websocket error', true, 0)).toEqual({ error: 'the server cannot be reached (websocket error)', unauthorized: false, retryInMs: null });
  });

  it('a refused handshake (the database away): tried again, the wait doubling up to its bound, jittered', () => {
    const mid = () => 0.5;
    const r = afterConnectError('the database cannot be reached', false, 0, mid);
    expect(r).toEqual({ error: 'the server refused the connection (the database cannot be reached); trying again', unauthorized: false, retryInMs: CONNECT_RETRY_MS });
    expect(afterConnectError('x', false, 1, mid).retryInMs).toBe(2 * CONNECT_RETRY_MS);
    expect(afterConnectError('x', false, 50, mid).retryInMs).toBe(CONNECT_RETRY_MAX_MS);
    expect(afterConnectError('x', false, 0, () => 0).retryInMs).toBe(CONNECT_RETRY_MS / 2);
    expect(afterConnectError('x', false, 50, () => 0.999_999).retryInMs).toBeLessThanOrEqual(1.5 * CONNECT_RETRY_MAX_MS);
  });
});
