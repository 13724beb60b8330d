// The built web app: static files from QUORATE_WEB_DIST, index.html for any other page GET (SPA routes).
// The build leaves brotli and gzip copies beside the files (`x.js.br`, `x.js.gz`, apps/web/vite.config.ts);
// a client that accepts one gets it, with Content-Encoding, the original's Content-Type and Vary.
import { existsSync, statSync } from 'node:fs';
import { extname, relative, resolve, sep } from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';

/** paths the SPA fallback must never answer */
const notPages = /^\/(api|socket\.io)(\/|$)|^\/(healthz|metrics)$/;

/** Vite's hashed output: a new build gives new names, so a copy never goes stale */
const ASSETS = '/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** other static files (favicon and the like) keep their names across builds */
const SHORT = 'public, max-age=3600';

/** precompressed variants, in the order we prefer them when the client accepts several equally */
const VARIANTS = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
] as const;
type Variant = (typeof VARIANTS)[number];

/**
 * The q-value the client gives each content coding (RFC 9110 §12.5.3): a listed coding gets its q, an unlisted
 * one the `*` q, else 0 (not acceptable). No header at all means no coding is asked for: identity only.
 */
export function acceptedCodings(header: string | undefined): (coding: string) => number {
  if (header === undefined) return () => 0;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (name === '') continue;
    let weight = 1;
    for (const p of params) {
      const m = /^q=([01](?:\.\d{0,3})?)$/.exec(p);
      if (m?.[1] !== undefined) weight = Math.min(1, Number(m[1]));
      else if (p.startsWith('q=')) weight = 0;
    }
    q.set(name === 'x-gzip' ? 'gzip' : name, weight);
  }
  return (coding) => q.get(coding) ?? q.get('*') ?? 0;
}

/** The variant to send: the highest q above 0, br before gzip on a tie; null = the file as it is. */
export function chooseVariant(header: string | undefined, available: readonly Variant[]): Variant | null {
  const q = acceptedCodings(header);
  let best: Variant | null = null;
  let bestQ = 0;
  for (const v of available) {
    const weight = q(v.coding);
    if (weight > bestQ) {
      best = v;
      bestQ = weight;
    }
  }
  return best;
}

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

export function webRouter(distDir: string): Router {
  const router = Router();
  const root = resolve(distDir);
  const index = resolve(root, 'index.html');

  const serve = express.static(root, {
    index: false,
    // Cache-Control is ours (below), by the name asked for, not the .br/.gz file's
    cacheControl: false,
    setHeaders: (res: Response, file: string) => {
      const name = `/${relative(root, file).split(sep).join('/')}`;
      res.setHeader('Cache-Control', name.startsWith(ASSETS) ? IMMUTABLE : /^\/index\.html(\.br|\.gz)?$/.test(name) ? 'no-cache' : SHORT);
    },
  });

  // static files, precompressed where the build left a copy and the client accepts it
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    const file = resolve(root, `.${path}`);
    // never a copy for a path outside the folder, or for a request for a .br/.gz itself
    if (path.includes('\0') || !file.startsWith(root + sep) || VARIANTS.some((v) => path.endsWith(v.suffix))) return serve(req, res, next);
    const available = VARIANTS.filter((v) => isFile(file + v.suffix));
    if (available.length === 0) return serve(req, res, next);
    // the answer depends on Accept-Encoding, whichever variant this client gets
    res.vary('Accept-Encoding');
    const variant = chooseVariant(req.headers['accept-encoding'], available);
    if (!variant || !isFile(file)) return serve(req, res, next);
    const originalUrl = req.url;
    const query = originalUrl.indexOf('?');
    req.url = `${originalUrl.slice(0, query < 0 ? originalUrl.length : query)}${variant.suffix}${query < 0 ? '' : originalUrl.slice(query)}`;
    res.setHeader('Content-Encoding', variant.coding);
    // the original's type (send keeps a Content-Type already set), not application/x-brotli
    res.type(extname(path));
    serve(req, res, (err?: unknown) => {
      // the copy vanished (a rebuild): undo, and let the next handler answer as if there were none
      req.url = originalUrl;
      res.removeHeader('Content-Encoding');
      res.removeHeader('Content-Type');
      next(err);
    });
  });

  router.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || notPages.test(req.path)) return next();
    // a missing hashed file is a 404, never the page: a script tag must not get HTML (from a stale index.html)
    if (req.path.startsWith(ASSETS)) {
      res.status(404).setHeader('Cache-Control', 'no-cache');
      res.type('text/plain').send('not found\n');
      return;
    }
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
