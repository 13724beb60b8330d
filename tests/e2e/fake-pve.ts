// Test code only: a fake Proxmox VE API for the e2e specs — node:https on 127.0.0.1 with an openssl
// certificate made in a temp dir, answering from the `healthy` replay fixtures (4 nodes, PVE 7.4), 401 with
// an empty body for any other token (as pveproxy does), 404 for a path with no fixture. Nothing leaves loopback.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../packages/sources/src/pve/fixtures/healthy/', import.meta.url));

export interface FakeCert {
  key: string;
  cert: string;
  /** SHA-256 colon hex, as the Proxmox GUI shows it */
  fp: string;
}

/** a self-signed certificate for 127.0.0.1 (CN=<name>.lab), written to dir */
export function makeCert(dir: string, name: string): FakeCert {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}.lab`, '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'pipe' });
  const cert = readFileSync(join(dir, `${name}.pem`), 'utf8');
  const fp = createHash('sha256').update(new X509Certificate(cert).raw).digest('hex').toUpperCase().match(/../g)!.join(':');
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert, fp };
}

export interface FakePve {
  server: https.Server;
  url: string;
  close(): Promise<void>;
}

/**
 * Serve the fixtures to `tokenId` with the secret `secret()` returns (read per request: a spec may rotate it);
 * `intercept` answers a path itself first (e.g. a 403) and returns true when it did.
 */
export async function startFakePve(opts: { cert: FakeCert; tokenId: string; secret: () => string; intercept?: (path: string, res: ServerResponse) => boolean }): Promise<FakePve> {
  const server = https.createServer({ key: opts.cert.key, cert: opts.cert.cert }, (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== `PVEAPIToken=${opts.tokenId}=${opts.secret()}`) {
      res.writeHead(401, 'authentication failure');
      return res.end();
    }
    const path = (req.url ?? '').replace(/^\/api2\/json\//, '').split('?')[0]!;
    if (opts.intercept?.(path, res)) return;
    let body: string;
    try {
      body = readFileSync(join(FIXTURES, `${path.replace(/\//g, '__')}.json`), 'utf8');
    } catch {
      res.writeHead(404, 'Not Found');
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
