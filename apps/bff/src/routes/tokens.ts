// /api/v1/tokens (admin): API tokens for scripts. The token is shown once, at creation; only its hash is kept.
// A token made by a token records its creator's id, so revoking the one takes the tokens it made along.
import { Router } from 'express';
import { NewTokenRequest, TokenId, type CreatedToken, type TokenList } from '@quorate/model';
import { requireRole, signedIn } from '../auth/middleware';
import { tokenCreator } from '@quorate/store';
import { audit, type AppContext } from '../context';
import { disconnectWhere } from '../gateway';
import { HttpError, badRequest } from '../http-errors';

export function tokensRouter(ctx: AppContext): Router {
  const { store } = ctx;
  const router = Router();
  router.use('/tokens', requireRole('admin'));

  router.get('/tokens', async (_req, res) => {
    const body: TokenList = { tokens: await store.tokens.list() };
    res.json(body);
  });

  router.post('/tokens', async (req, res) => {
    const who = signedIn(req.identity);
    const body = NewTokenRequest.safeParse(req.body);
    if (!body.success) throw badRequest('token', body.error);
    // a user's tokens carry the username (revoked when that user is removed or demoted), a token's the token id
    const createdBy = who.kind === 'user' ? who.name : tokenCreator(who.id);
    const created: CreatedToken = await store.tokens.create({ ...body.data, createdBy });
    await audit(ctx, who, { operation: 'token-create', clusterId: null, params: { id: created.id, name: body.data.name, role: body.data.role }, confirmed: true, result: 'ok', message: `token ${body.data.name} created (${body.data.role})` });
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(created);
  });

  router.delete('/tokens/:id', async (req, res) => {
    const who = signedIn(req.identity);
    const id = TokenId.safeParse(req.params.id);
    if (!id.success) throw badRequest('token id', id.error);
    const info = (await store.tokens.list()).find((t) => t.id === id.data);
    const revoked = info ? await store.tokens.revokeWithDescendants(id.data) : [];
    if (!info || revoked.length === 0) throw new HttpError(404, `no token with id ${id.data}`);
    const ids = new Set(revoked.map((t) => t.id));
    disconnectWhere(ctx.io, (w) => w.kind === 'token' && ids.has(w.id));
    const note = info.static ? ' (from QUORATE_API_TOKEN: registered again at the next start unless the variable is removed)' : '';
    const made = revoked.filter((t) => t.id !== id.data);
    const along = made.length > 0 ? `; with it the ${made.length === 1 ? 'token' : 'tokens'} it created: ${made.map((t) => `${t.name} (${t.role})`).join(', ')}` : '';
    await audit(ctx, who, {
      operation: 'token-revoke',
      clusterId: null,
      params: { id: id.data, name: info.name, ...(made.length > 0 ? { alongWith: made.map((t) => ({ id: t.id, name: t.name, role: t.role })) } : {}) },
      confirmed: true,
      result: 'ok',
      message: `token ${info.name} revoked${note}${along}`,
    });
    res.status(204).end();
  });

  return router;
}
