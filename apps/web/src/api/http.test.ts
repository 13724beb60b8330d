// No answer at all is an UnreachableError in words, not the browser's "Failed to fetch".
import { afterEach, describe, expect, it, vi } from 'vitest';
import { request, UnreachableError } from './http';

afterEach(() => vi.unstubAllGlobals());

describe('request without an answer', () => {
  it('throws "the server cannot be reached", keeping the browser’s error as the cause', async () => {
    const raw = new TypeError('Failed to fetch');
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(raw)));
    const err = await request('/api/v1/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toBe('the server cannot be reached');
    expect((err as Error).cause).toBe(raw);
  });
  it('an abort stays an abort', async () => {
    const abort = new DOMException('aborted', 'AbortError');
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(abort)));
    await expect(request('/api/v1/x')).rejects.toBe(abort);
  });
});
