// GET /api/v1/ssh-key (admin) -> {publicKey, fingerprint}: Quorate's own SSH key for the nodes'
// authorized_keys, made on the first ask (audited once). The private half never leaves the BFF.
import { Router } from 'express';
import { requireRole, signedIn } from '../auth/middleware';
import { audit, type AppContext } from '../context';

export function sshKeyRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/ssh-key', requireRole('admin'), async (req, res) => {
    const { key, made } = await ctx.ssh.ensure();
    if (made) await audit(ctx, signedIn(req.identity), { operation: 'ssh-key-create', clusterId: null, params: {}, result: 'ok', message: `Quorate's SSH key made: ${key.fingerprint}` });
    res.json({ publicKey: key.publicKey, fingerprint: key.fingerprint });
  });
  return router;
}
