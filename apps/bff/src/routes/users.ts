// /api/v1/users (admin): list, create, change role or password, delete. The last admin stays.
import { Router, type Request } from 'express';
import { NewUserRequest, UserId, UserPatch, type Role, type UserList } from '@quorate/model';
import { requireRole, signedIn } from '../auth/middleware';
import { audit, type AppContext } from '../context';
import { disconnectWhere } from '../gateway';
import { HttpError, badRequest } from '../http-errors';

export function usersRouter(ctx: AppContext): Router {
  const { store } = ctx;
  const router = Router();
  router.use('/users', requireRole('admin'));

  const idOf = (req: Request): string => {
    const id = UserId.safeParse(req.params.id);
    if (!id.success) throw badRequest('user id', id.error);
    return id.data;
  };
  const existing = (id: string) => {
    const user = store.users.get(id);
    if (!user) throw new HttpError(404, `no user with id ${id}`);
    return user;
  };

  /** 409 when this role change would leave no admin */
  const keepLastAdmin = (user: { username: string; role: Role }, role: Role): void => {
    if (user.role === 'admin' && role !== 'admin' && store.users.count('admin') <= 1)
      throw new HttpError(409, `${user.username} is the last admin: make another user admin first`);
  };

  router.get('/users', (_req, res) => {
    const body: UserList = { users: store.users.list() };
    res.json(body);
  });

  router.post('/users', async (req, res) => {
    const who = signedIn(req.identity);
    const body = NewUserRequest.safeParse(req.body);
    if (!body.success) throw badRequest('user', body.error);
    const user = await store.users.create(body.data);
    audit(ctx, who, { operation: 'user-create', clusterId: null, params: { username: user.username, role: user.role }, confirmed: true, result: 'ok', message: `user ${user.username} created (${user.role})` });
    res.status(201).json({ user });
  });

  router.patch('/users/:id', async (req, res) => {
    const who = signedIn(req.identity);
    const id = idOf(req);
    const body = UserPatch.safeParse(req.body);
    if (!body.success) throw badRequest('user change', body.error);
    let user = existing(id);
    const { role, password } = body.data;
    if (role !== undefined) keepLastAdmin(user, role);
    if (password !== undefined) {
      await store.users.setPassword(id, password);
      store.sessions.revokeAllFor(id);
      disconnectWhere(ctx.io, (w) => w.kind === 'user' && w.id === id);
    }
    // re-check after the await: another request may have changed the admins meanwhile
    if (role !== undefined) {
      keepLastAdmin(existing(id), role);
      user = store.users.setRole(id, role);
    }
    const changes = [role !== undefined ? `role ${role}` : null, password !== undefined ? 'password reset (signed out everywhere)' : null].filter(Boolean).join(', ');
    audit(ctx, who, { operation: 'user-update', clusterId: null, params: { username: user.username, ...(role !== undefined ? { role } : {}), passwordChanged: password !== undefined }, confirmed: true, result: 'ok', message: `user ${user.username}: ${changes}` });
    res.json({ user: store.users.get(id) ?? user });
  });

  router.delete('/users/:id', (req, res) => {
    const who = signedIn(req.identity);
    const id = idOf(req);
    const user = existing(id);
    if (user.role === 'admin' && store.users.count('admin') <= 1) throw new HttpError(409, `${user.username} is the last admin and cannot be removed`);
    store.users.delete(id);
    disconnectWhere(ctx.io, (w) => w.kind === 'user' && w.id === id);
    audit(ctx, who, { operation: 'user-delete', clusterId: null, params: { username: user.username }, confirmed: true, result: 'ok', message: `user ${user.username} removed` });
    res.status(204).end();
  });

  return router;
}
