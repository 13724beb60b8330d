// The built web app: static files from QUORATE_WEB_DIST, index.html for any other page GET (SPA routes).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';

/** paths the SPA fallback must never answer */
const notPages = /^\/(api|socket\.io)(\/|$)|^\/(healthz|metrics)$/;

export function webRouter(distDir: string): Router {
  const router = Router();
  const index = join(distDir, 'index.html');
  // hashed asset names make them safe to cache for long; index.html must be revalidated
  router.use(express.static(distDir, { index: false, maxAge: '1h', immutable: false }));
  router.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || notPages.test(req.path)) return next();
    // checked per request so a web build made while the BFF runs is picked up
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('web app not built: run npm run build:web\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
