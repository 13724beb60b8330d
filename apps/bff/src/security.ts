// HTTP security headers (helmet), per request: whether it came over TLS (served here, or per a trusted
// proxy's X-Forwarded-Proto: Express's req.secure) decides HSTS and which socket scheme the CSP allows.
// Also: /api answers are never cached (they carry session state, tokens at creation, live data).
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import helmet from 'helmet';

const plainHost = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** one year; no includeSubDomains and no preload: Quorate runs on LAN hosts whose siblings may be plain http */
export const HSTS_MAX_AGE_S = 31_536_000;

/**
 * the page's own socket origin ('self' does not cover ws:/wss: in every browser): wss:// under TLS, ws://
 * over plain http — never both, so a page served over TLS cannot be made to talk in clear. The host is
 * the one the page was loaded from (Express's req.host: X-Forwarded-Host only from a trusted proxy).
 */
function sameOriginSocket(scheme: 'ws' | 'wss') {
  return (req: IncomingMessage): string => {
    const host = (req as Request).host ?? req.headers.host ?? '';
    return plainHost.test(host) ? `${scheme}://${host}` : '';
  };
}

function headersFor(secure: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        'connect-src': ["'self'", sameOriginSocket(secure ? 'wss' : 'ws')],
        'img-src': ["'self'", 'data:'],
        // the dashboard is often reached over plain http on a LAN address: do not force https subresources
        'upgrade-insecure-requests': null,
      },
    },
    // only where the browser came over TLS: over plain http the header is ignored anyway, and a LAN
    // deployment that drops TLS later must not lock browsers out of it for its siblings (no includeSubDomains)
    strictTransportSecurity: secure ? { maxAge: HSTS_MAX_AGE_S, includeSubDomains: false, preload: false } : false,
  });
}

export function securityHeaders(): RequestHandler {
  const overTls = headersFor(true);
  const plain = headersFor(false);
  return (req, res, next) => (req.secure ? overTls : plain)(req, res, next);
}

/** Cache-Control: no-store on every /api answer (errors included: it is set before anything runs) */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
