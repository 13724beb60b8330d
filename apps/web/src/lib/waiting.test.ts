// The first screen while the sign-in state has not come, and errors in words (never "Failed to fetch").
import { describe, expect, it } from 'vitest';
import { errorText, HttpError, UnreachableError } from '../api/http';
import { waitingText } from './waiting';

describe('waitingText', () => {
  it('connecting at first', () => {
    expect(waitingText(null, false)).toBe('Connecting to the server…');
  });
  it('after a few seconds without an answer, or a network failure: the server cannot be reached', () => {
    expect(waitingText(null, true)).toBe('The server cannot be reached; still trying…');
    expect(waitingText(new UnreachableError(new TypeError('Failed to fetch')), false)).toBe('The server cannot be reached; still trying…');
  });
  it('an answer that is an error (a proxy while the server restarts) says so', () => {
    expect(waitingText(new HttpError(502, null), false)).toBe('The server is not ready (HTTP 502); still trying…');
  });
});

describe('errorText', () => {
  it('turns the browser’s network errors into words', () => {
    expect(errorText(new TypeError('Failed to fetch'))).toBe('the server cannot be reached');
    expect(errorText(new TypeError('NetworkError when attempting to fetch resource.'))).toBe('the server cannot be reached');
    expect(errorText(new UnreachableError(null))).toBe('the server cannot be reached');
  });
  it('keeps the server’s own words', () => {
    expect(errorText(new HttpError(409, { error: 'cluster is quorate' }))).toBe('cluster is quorate');
    expect(errorText('plain')).toBe('plain');
  });
});
