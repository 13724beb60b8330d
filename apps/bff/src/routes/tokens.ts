// /api/v1/tokens (admin): API tokens for scripts. The token is shown once, at creation; only its hash is kept.
import { Router } from 'express';
import { NewTokenRequest, TokenId, type CreatedToken, type TokenList } from '@quorate/model';
import { requireRole, signedIn } from '../auth/middleware';
import { audit, type AppContext } from '../context';
import { disconnectWhere } from '../gateway';
import { HttpError, badRequest } from '../http-errors';

export function tokensRouter(ctx: AppContext): Router {
  const { store } = ctx;
  const router = Router();
  router.use('/tokens', requireRole('admin'));

  router.get('/tokens', (_req, res) => {
    const body: TokenList = { tokens: store.tokens.list() };
    res.json(body);
  });

  router.post('/tokens', (req, res) => {
    const who = signedIn(req.identity);
    const body = NewTokenRequest.safeParse(req.body);
    if (!body.success) throw badRequest('token', body.error);
    const created: CreatedToken = store.tokens.create({ ...body.data, createdBy: who.name });
    audit(ctx, who, { operation: 'token-create', clusterId: null, params: { id: created.id, name: body.data.name, role: body.data.role }, confirmed: true, result: 'ok', message: `token ${body.data.name} created (${body.data.role})` });
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(created);
  });

  router.delete('/tokens/:id', (req, res) => {
    const who = signedIn(req.identity);
    const id = TokenId.safeParse(req.params.id);
    if (!id.success) throw badRequest('token id', id.error);
    const info = store.tokens.list().find((t) => t.id === id.data);
    if (!info || !store.tokens.revoke(id.data)) throw new HttpError(404, `no token with id ${id.data}`);
    disconnectWhere(ctx.io, (w) => w.kind === 'token' && w.id === id.data);
    const note = info.static ? ' (from QUORATE_API_TOKEN: registered again at the next start unless the variable is removed)' : '';
    audit(ctx, who, { operation: 'token-revoke', clusterId: null, params: { id: id.data, name: info.name }, confirmed: true, result: 'ok', message: `token ${info.name} revoked${note}` });
    res.status(204).end();
  });

  return router;
}
