// HTTP security headers (helmet). The CSP lets the page talk to its own socket.io over ws/wss.
import type { IncomingMessage } from 'node:http';
import helmet from 'helmet';

const plainHost = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** ws:// and wss:// of the host the page was loaded from ('self' does not cover ws: in every browser) */
function sameOriginSockets(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  return plainHost.test(host) ? `ws://${host} wss://${host}` : '';
}

export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        'connect-src': ["'self'", sameOriginSockets],
        'img-src': ["'self'", 'data:'],
        // the dashboard is often reached over plain http on a LAN address: do not force https subresources
        'upgrade-insecure-requests': null,
      },
    },
    // plain-http deployments are common (LAN); HSTS would lock browsers out of them
    strictTransportSecurity: false,
  });
}
