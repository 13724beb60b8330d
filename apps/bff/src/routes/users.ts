// /api/v1/users (admin): list, create, change role or password, delete. The last admin stays.
// Every change is checked in full before anything is written; refusals are audited like the changes
// (never with the password). Removing or demoting a user revokes the API tokens they may no longer hold.
import { Router, type Request } from 'express';
import { NewUserRequest, UserId, UserPatch, Username, hasRole, type UserList } from '@quorate/model';
import { StoreError, type RevokedToken, type StoreParts, type User } from '@quorate/store';
import { needsRole, signedIn } from '../auth/middleware';
import type { Identity } from '../auth/identity';
import { audit, type AppContext } from '../context';
import { disconnectWhere } from '../gateway';
import { HttpError, badRequest, type Issue } from '../http-errors';

type Operation = 'user-create' | 'user-update' | 'user-delete';
const operationOf: Record<string, Operation> = { POST: 'user-create', PATCH: 'user-update', DELETE: 'user-delete' };

/** what the audit trail may say about a request body: the username and role, never the password */
function bodyParams(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as Record<string, unknown>;
  const username = Username.safeParse(b.username);
  return {
    ...(username.success ? { username: username.data } : {}),
    ...(typeof b.role === 'string' && b.role.length <= 16 ? { role: b.role } : {}),
    // whether a password was sent (a refusal must not suggest it was changed)
    ...('password' in b ? { passwordGiven: true } : {}),
  };
}

export function usersRouter(ctx: AppContext): Router {
  const { store } = ctx;
  const router = Router();

  /** audits the refusal (result 'refused', the reason) and returns the error to throw */
  const refusal = async (who: Identity, operation: Operation, params: Record<string, unknown>, status: number, message: string, issues?: Issue[]): Promise<HttpError> => {
    await audit(ctx, who, { operation, clusterId: null, params, confirmed: false, result: 'refused', message });
    return new HttpError(status, message, issues);
  };

  // admin only; a refused change is on the audit trail too (a look at the list is not)
  router.use('/users', async (req, _res, next) => {
    const who = signedIn(req.identity);
    if (hasRole(who.role, 'admin')) return next();
    const operation = operationOf[req.method];
    if (operation) throw await refusal(who, operation, bodyParams(req.body), 403, needsRole('admin').message);
    throw needsRole('admin');
  });

  const idOf = async (req: Request, who: Identity, operation: Operation): Promise<string> => {
    const id = UserId.safeParse(req.params.id);
    if (!id.success) {
      const bad = badRequest('user id', id.error);
      throw await refusal(who, operation, {}, 400, bad.message, bad.issues);
    }
    return id.data;
  };

  /** after a user was removed or demoted: the tokens revoked with it are audited and their sockets closed */
  const revokeTokensOf = async (who: Identity, user: User, revoked: RevokedToken[], why: string): Promise<void> => {
    if (revoked.length === 0) return;
    const ids = new Set(revoked.map((t) => t.id));
    disconnectWhere(ctx.io, (w) => w.kind === 'token' && ids.has(w.id));
    const names = revoked.map((t) => `${t.name} (${t.role})`).join(', ');
    await audit(ctx, who, {
      operation: 'token-revoke',
      clusterId: null,
      params: { reason: why, username: user.username, tokens: revoked.map((t) => ({ id: t.id, name: t.name, role: t.role })) },
      confirmed: true,
      result: 'ok',
      message: `${revoked.length === 1 ? 'token' : 'tokens'} ${names} revoked: ${why}`,
    });
  };

  router.get('/users', async (_req, res) => {
    const body: UserList = { users: await store.users.list() };
    res.json(body);
  });

  router.post('/users', async (req, res) => {
    const who = signedIn(req.identity);
    const { passwordGiven: _given, ...params } = bodyParams(req.body);
    const body = NewUserRequest.safeParse(req.body);
    if (!body.success) {
      const bad = badRequest('user', body.error);
      throw await refusal(who, 'user-create', { ...params, issues: bad.issues }, 400, bad.message, bad.issues);
    }
    const taken = () => refusal(who, 'user-create', params, 409, `username ${body.data.username} is already taken`);
    if (await store.users.getByUsername(body.data.username)) throw await taken();
    let user: User;
    try {
      user = await store.users.create(body.data);
    } catch (err) {
      // someone took the name while the password was hashing
      if (err instanceof StoreError && err.code === 'conflict') throw await taken();
      throw err;
    }
    await audit(ctx, who, { operation: 'user-create', clusterId: null, params: { username: user.username, role: user.role }, confirmed: true, result: 'ok', message: `user ${user.username} created (${user.role})` });
    res.status(201).json({ user });
  });

  router.patch('/users/:id', async (req, res) => {
    const who = signedIn(req.identity);
    const id = await idOf(req, who, 'user-update');
    const { username: _ignored, ...asked } = bodyParams(req.body);
    const params: Record<string, unknown> = { id, ...asked };
    const body = UserPatch.safeParse(req.body);
    if (!body.success) {
      const bad = badRequest('user change', body.error);
      throw await refusal(who, 'user-update', { ...params, issues: bad.issues }, 400, bad.message, bad.issues);
    }
    const { role, password } = body.data;
    const found = await store.users.get(id);
    if (!found) throw await refusal(who, 'user-update', params, 404, `no user with id ${id}`);
    params.username = found.username;
    /** 409 when this role change would leave no admin (thrown inside the store's transaction: audited outside it) */
    const keepLastAdmin = async (user: User, parts: Pick<StoreParts, 'users'>): Promise<void> => {
      if (role !== undefined && user.role === 'admin' && role !== 'admin' && (await parts.users.count('admin')) <= 1)
        throw new HttpError(409, `${user.username} is the last admin: make another user admin first`);
    };
    let revoked: RevokedToken[] = [];
    let user: User;
    try {
      // checked now (before the slow hash), and again with the hash in hand: the admins may have changed meanwhile
      await keepLastAdmin(found, store);
      user = await store.users.update(id, body.data, {
        check: keepLastAdmin,
        // in the same transaction: a new password signs the user out everywhere; a role takes the tokens
        // they made above it
        then: async (updated, _before, tx) => {
          if (password !== undefined) await tx.sessions.revokeAllFor(id);
          if (role !== undefined) revoked = await tx.tokens.revokeCreatedBy(updated.username, { above: role });
        },
      });
    } catch (err) {
      if (err instanceof HttpError) throw await refusal(who, 'user-update', params, err.status, err.message, err.issues);
      if (err instanceof StoreError && err.code === 'not-found') throw await refusal(who, 'user-update', params, 404, `no user with id ${id}`);
      throw err;
    }
    if (password !== undefined) disconnectWhere(ctx.io, (w) => w.kind === 'user' && w.id === id);
    const changes = [role !== undefined ? `role ${role}` : null, password !== undefined ? 'password reset (signed out everywhere)' : null].filter(Boolean).join(', ');
    await audit(ctx, who, { operation: 'user-update', clusterId: null, params: { username: user.username, ...(role !== undefined ? { role } : {}), passwordChanged: password !== undefined }, confirmed: true, result: 'ok', message: `user ${user.username}: ${changes}` });
    await revokeTokensOf(who, user, revoked, `their creator ${user.username} is now ${user.role} and may not hold a higher role`);
    res.json({ user });
  });

  router.delete('/users/:id', async (req, res) => {
    const who = signedIn(req.identity);
    const id = await idOf(req, who, 'user-delete');
    const user = await store.users.get(id);
    if (!user) throw await refusal(who, 'user-delete', { id }, 404, `no user with id ${id}`);
    const params = { id, username: user.username };
    let revoked: RevokedToken[];
    try {
      // the user (and, by cascade, their sessions) and the tokens they made go together, or nothing does
      revoked = await store.transaction(async (tx) => {
        if (user.role === 'admin' && (await tx.users.count('admin')) <= 1) throw new HttpError(409, `${user.username} is the last admin and cannot be removed`);
        if (!(await tx.users.delete(id))) throw new HttpError(404, `no user with id ${id}`);
        return tx.tokens.revokeCreatedBy(user.username);
      });
    } catch (err) {
      if (err instanceof HttpError) throw await refusal(who, 'user-delete', params, err.status, err.message);
      throw err;
    }
    disconnectWhere(ctx.io, (w) => w.kind === 'user' && w.id === id);
    await audit(ctx, who, { operation: 'user-delete', clusterId: null, params, confirmed: true, result: 'ok', message: `user ${user.username} removed` });
    await revokeTokensOf(who, user, revoked, `their creator ${user.username} was removed`);
    res.status(204).end();
  });

  return router;
}
