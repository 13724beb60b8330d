// PostgreSQL's reachability as /healthz reports it, and which errors say the database could not be reached.
import { describe, expect, it } from 'vitest';
import { isUnreachable } from './errors';
import { createReachability, REACHABILITY_CHECK_MS } from './reachability';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isUnreachable', () => {
  it('a refused, dropped or timed-out connection, or a server shutting down or starting', () => {
    for (const err of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      withCode('getaddrinfo ENOTFOUND db.lan', 'ENOTFOUND'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('connection failure', '08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('a query failed', { cause: withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED') }),
    ])
      expect(isUnreachable(err), err.message).toBe(true);
  });

  it('not what the database answered: a constraint, a syntax error, a timeout of a statement, corruption', () => {
    for (const err of [
      withCode('duplicate key value violates unique constraint', '23505'),
      withCode('syntax error at or near', '42601'),
      withCode('canceling statement due to statement timeout', '57014'),
      withCode('database disk image is malformed', 'SQLITE_CORRUPT'),
      new Error('something else'),
    ])
      expect(isUnreachable(err), err.message).toBe(false);
    expect(isUnreachable('ECONNREFUSED')).toBe(false);
    expect(isUnreachable(null)).toBe(false);
  });
});

describe('reachability', () => {
  it('unreachable at the first such error, with since when; a round trip clears it, at most one per interval', async () => {
    let t = 1_800_000_000_000;
    let up = true;
    let pings = 0;
    const r = createReachability(async () => {
      pings++;
      if (!up) throw withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
    }, () => t);
    expect(r.health().state).toBe('ok');
    expect(r.noteError(withCode('syntax error', '42601'))).toBe(false);
    expect(r.health().state).toBe('ok');

    up = false;
    expect(r.noteError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(r.health()).toEqual({ state: 'unreachable', message: expect.stringMatching(/^the database cannot be reached since 2027-01-15T08:00:00.000Z \(Connection terminated unexpectedly\)/) });
    // still down: the state (and since when) stays
    t += 1_000;
    expect((await r.check()).state).toBe('unreachable');
    expect(r.health().message).toContain('since 2027-01-15T08:00:00.000Z');
    // back: a check within the interval does not ask again; the next one does, and clears it
    up = true;
    expect((await r.check()).state).toBe('unreachable');
    expect(pings).toBe(1);
    t += REACHABILITY_CHECK_MS;
    const [a, b] = await Promise.all([r.check(), r.check()]);
    expect(a.state).toBe('ok');
    expect(b.state).toBe('ok');
    expect(pings).toBe(2);
  });
});
