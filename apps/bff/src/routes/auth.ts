// /api/v1/auth: first-run setup, sign-in (throttled: auth/sign-in-guard.ts), sign-out, own password change.
// Sign-ins, sign-outs and refused password changes are audited; unknown callers' failures are tallied.
import { Router, type Request, type Response } from 'express';
import { AuthState, LoginRequest, PasswordChange, SetupRequest, type SignedIn } from '@quorate/model';
import type { User } from '@quorate/store';
import { clearedSessionCookie, sessionCookie } from '../auth/cookies';
import { makeDeviceCookie, readDeviceCookie } from '../auth/device-cookie';
import type { Identity } from '../auth/identity';
import { signedIn } from '../auth/middleware';
import { originAllowed } from '../auth/origin';
import { isRefused, refusalText, type Refusal } from '../auth/sign-in-guard';
import { markAudited } from '../audit/attempts';
import { audit, clientIp, secureRequest, type AppContext } from '../context';
import { disconnectWhere } from '../gateway';
import { HttpError, badRequest } from '../http-errors';

/** 429 with the wait in the body (TooManyAttempts) and in Retry-After */
const tooManyAttempts = (r: Refusal) =>
  new HttpError(429, refusalText(r), undefined, { retryAfterS: r.retryAfterS }, { 'Retry-After': String(r.retryAfterS) });
const publicUser = (u: Pick<User, 'id' | 'username' | 'role'>) => ({ id: u.id, username: u.username, role: u.role });

export function authRouter(ctx: AppContext): Router {
  const { store } = ctx;
  const router = Router();
  let settingUp = false;

  /** setup and login carry no CSRF token (there is no session yet): the browser must say it is our page */
  const sameOrigin = (req: Request) => {
    if (!originAllowed(req.headers, ctx.origins)) throw new HttpError(403, 'origin not allowed');
  };
  const startSession = async (req: Request, res: Response, user: User): Promise<SignedIn> => {
    const s = await store.sessions.create(user.id, ctx.config.sessionTtlMs);
    // and remember this browser for this user (not subject to the per-username lockout next time)
    res.setHeader('Set-Cookie', [sessionCookie(s.id, secureRequest(req)), makeDeviceCookie(ctx.deviceKey, user.username, secureRequest(req))]);
    res.setHeader('Cache-Control', 'no-store');
    return { user: publicUser(user), csrfToken: s.csrfToken };
  };

  router.get('/auth/state', async (req, res) => {
    const who = req.identity;
    const body: AuthState = {
      setupRequired: (await store.users.count()) === 0,
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
    if (settingUp) throw new HttpError(409, 'already set up');
    settingUp = true;
    let user: User;
    try {
      if ((await store.users.count()) > 0) throw new HttpError(409, 'already set up');
      user = await store.users.create({ ...body.data, role: 'admin' });
    } finally {
      settingUp = false;
    }
    const who = { kind: 'user' as const, id: user.id, name: user.username, role: user.role };
    await audit(ctx, who, { operation: 'setup', clusterId: null, params: { username: user.username }, confirmed: true, result: 'ok', message: `first admin account '${user.username}' created` });
    ctx.logger.info({ username: user.username }, 'first admin created');
    res.status(201).json(await startSession(req, res, user));
  });

  router.post('/auth/login', async (req, res) => {
    sameOrigin(req);
    const body = LoginRequest.safeParse(req.body);
    if (!body.success) throw badRequest('login', body.error);
    const { username, password } = body.data;
    const ip = clientIp(req);
    const device = readDeviceCookie(ctx.deviceKey, req.headers.cookie);
    // counted before the slow password check, so concurrent guesses cannot all get through
    const reservation = await ctx.signIn.reserve(ip, username, device);
    markAudited(); // what follows is audited here, or tallied for unknown callers
    if (isRefused(reservation)) {
      ctx.anonymous.record(ip, 'throttled', username);
      ctx.logger.warn({ username, ip, reason: reservation.reason }, 'login throttled');
      throw tooManyAttempts(reservation);
    }
    const user = await store.users.verify(username, password);
    if (!user) {
      reservation.failed();
      ctx.anonymous.record(ip, 'sign-in-failed', username);
      ctx.logger.warn({ username, ip }, 'failed login');
      throw new HttpError(401, 'wrong username or password');
    }
    await reservation.succeeded();
    ctx.logger.info({ username: user.username, ip }, 'signed in');
    const who: Identity = { kind: 'user', id: user.id, name: user.username, role: user.role };
    await audit(ctx, who, { operation: 'sign-in', clusterId: null, params: { username: user.username, ip, knownBrowser: device?.username === user.username.toLowerCase() }, confirmed: true, result: 'ok', message: `${user.username} signed in from ${ip}` });
    res.json(await startSession(req, res, user));
  });

  router.post('/auth/logout', async (req, res) => {
    const session = req.identity?.session;
    if (session) {
      await store.sessions.revoke(session.rawId);
      disconnectWhere(ctx.io, (w) => w.session?.rawId === session.rawId);
      await audit(ctx, req.identity!, { operation: 'sign-out', clusterId: null, params: { username: req.identity!.name }, confirmed: true, result: 'ok', message: `${req.identity!.name} signed out` });
    }
    res.setHeader('Set-Cookie', clearedSessionCookie(secureRequest(req)));
    res.status(204).end();
  });

  router.post('/auth/password', async (req, res) => {
    const who = signedIn(req.identity);
    if (!who.session) throw new HttpError(403, 'API tokens have no password: sign in with a user to change one');
    const body = PasswordChange.safeParse(req.body);
    if (!body.success) throw badRequest('password change', body.error);
    const ip = clientIp(req);
    const refuse = async (err: HttpError): Promise<never> => {
      await audit(ctx, who, { operation: 'password-change', clusterId: null, params: { username: who.name }, confirmed: true, result: 'refused', message: err.message });
      throw err;
    };
    const reservation = await ctx.signIn.reserve(ip, who.name, readDeviceCookie(ctx.deviceKey, req.headers.cookie));
    if (isRefused(reservation)) await refuse(tooManyAttempts(reservation));
    const held = reservation as Exclude<typeof reservation, Refusal>;
    if (!(await store.users.verify(who.name, body.data.currentPassword))) {
      held.failed();
      await refuse(new HttpError(400, 'invalid password change: currentPassword: the current password is wrong', [{ path: 'currentPassword', message: 'the current password is wrong' }]));
    }
    await held.succeeded();
    await store.users.setPassword(who.id, body.data.newPassword);
    const keep = who.session.rawId;
    await store.sessions.revokeOthers(who.id, keep);
    disconnectWhere(ctx.io, (w) => w.kind === 'user' && w.id === who.id && w.session?.rawId !== keep);
    await audit(ctx, who, { operation: 'password-change', clusterId: null, params: { username: who.name }, confirmed: true, result: 'ok', message: 'password changed; other sessions signed out' });
    res.status(204).end();
  });

  return router;
}
