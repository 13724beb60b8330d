// /api/v1/auth: first-run setup, sign-in (rate-limited), sign-out, own password change.
import { Router, type Request, type Response } from 'express';
import { AuthState, LoginRequest, PasswordChange, SetupRequest, type SignedIn } from '@quorate/model';
import type { User } from '@quorate/store';
import { clearedSessionCookie, sessionCookie } from '../auth/cookies';
import { signedIn } from '../auth/middleware';
import { originAllowed } from '../auth/origin';
import { audit, secureRequest, type AppContext } from '../context';
import { disconnectWhere } from '../gateway';
import { HttpError, badRequest } from '../http-errors';

/** 429 with the wait in the body (TooManyAttempts) and in Retry-After */
const tooManyAttempts = (wait: number) =>
  new HttpError(429, `too many attempts: try again in ${wait} s`, undefined, { retryAfterS: wait }, { 'Retry-After': String(wait) });
const publicUser = (u: Pick<User, 'id' | 'username' | 'role'>) => ({ id: u.id, username: u.username, role: u.role });

export function authRouter(ctx: AppContext): Router {
  const { store } = ctx;
  const router = Router();
  let settingUp = false;

  /** setup and login carry no CSRF token (there is no session yet): the browser must say it is our page */
  const sameOrigin = (req: Request) => {
    if (!originAllowed(req.headers, ctx.origins)) throw new HttpError(403, 'origin not allowed');
  };
  const startSession = (req: Request, res: Response, user: User): SignedIn => {
    const s = store.sessions.create(user.id, ctx.config.sessionTtlMs);
    res.setHeader('Set-Cookie', sessionCookie(s.id, secureRequest(req)));
    res.setHeader('Cache-Control', 'no-store');
    return { user: publicUser(user), csrfToken: s.csrfToken };
  };

  router.get('/auth/state', (req, res) => {
    const who = req.identity;
    const body: AuthState = {
      setupRequired: store.users.count() === 0,
      user: who?.kind === 'user' ? { id: who.id, username: who.name, role: who.role } : null,
      csrfToken: who?.session?.csrfToken ?? null,
    };
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  router.post('/auth/setup', async (req, res) => {
    sameOrigin(req);
    const body = SetupRequest.safeParse(req.body);
    if (!body.success) throw badRequest('setup', body.error);
    // one setup at a time: the check and the (slow, hashed) create must not interleave
    if (settingUp || store.users.count() > 0) throw new HttpError(409, 'already set up');
    settingUp = true;
    let user: User;
    try {
      user = await store.users.create({ ...body.data, role: 'admin' });
    } finally {
      settingUp = false;
    }
    const who = { kind: 'user' as const, id: user.id, name: user.username, role: user.role };
    audit(ctx, who, { operation: 'setup', clusterId: null, params: { username: user.username }, confirmed: true, result: 'ok', message: `first admin ${user.username} created` });
    ctx.logger.info({ username: user.username }, 'first admin created');
    res.status(201).json(startSession(req, res, user));
  });

  router.post('/auth/login', async (req, res) => {
    sameOrigin(req);
    const body = LoginRequest.safeParse(req.body);
    if (!body.success) throw badRequest('login', body.error);
    const { username, password } = body.data;
    const ip = req.ip ?? 'unknown';
    const wait = ctx.limiter.retryAfterS(ip, username);
    if (wait > 0) {
      ctx.logger.warn({ username, ip }, 'login throttled');
      throw tooManyAttempts(wait);
    }
    const user = await store.users.verify(username, password);
    if (!user) {
      ctx.limiter.failed(ip, username);
      ctx.logger.warn({ username, ip }, 'failed login');
      throw new HttpError(401, 'wrong username or password');
    }
    ctx.limiter.succeeded(username);
    ctx.logger.info({ username: user.username, ip }, 'signed in');
    res.json(startSession(req, res, user));
  });

  router.post('/auth/logout', (req, res) => {
    const session = req.identity?.session;
    if (session) {
      store.sessions.revoke(session.rawId);
      disconnectWhere(ctx.io, (w) => w.session?.rawId === session.rawId);
    }
    res.setHeader('Set-Cookie', clearedSessionCookie(secureRequest(req)));
    res.status(204).end();
  });

  router.post('/auth/password', async (req, res) => {
    const who = signedIn(req.identity);
    if (!who.session) throw new HttpError(403, 'API tokens have no password: sign in with a user to change one');
    const body = PasswordChange.safeParse(req.body);
    if (!body.success) throw badRequest('password change', body.error);
    const ip = req.ip ?? 'unknown';
    const wait = ctx.limiter.retryAfterS(ip, who.name);
    if (wait > 0) throw tooManyAttempts(wait);
    if (!(await store.users.verify(who.name, body.data.currentPassword))) {
      ctx.limiter.failed(ip, who.name);
      throw new HttpError(400, 'invalid password change: currentPassword: the current password is wrong', [{ path: 'currentPassword', message: 'the current password is wrong' }]);
    }
    await store.users.setPassword(who.id, body.data.newPassword);
    const keep = who.session.rawId;
    store.sessions.revokeOthers(who.id, keep);
    disconnectWhere(ctx.io, (w) => w.kind === 'user' && w.id === who.id && w.session?.rawId !== keep);
    audit(ctx, who, { operation: 'password-change', clusterId: null, params: { username: who.name }, confirmed: true, result: 'ok', message: 'password changed; other sessions signed out' });
    res.status(204).end();
  });

  return router;
}
