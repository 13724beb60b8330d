// Test code only: certificates made by openssl in a temp dir, and loopback servers that refuse or never
// answer — the pve client's contract tests and its connection test share them. Nothing leaves 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fingerprintOf } from './transport';

export interface TestCert {
  key: string;
  cert: string;
  /** SHA-256, colon hex (as the Proxmox GUI shows it) */
  fingerprint: string;
}

export const openssl = (dir: string, ...args: string[]): Buffer => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** a self-signed certificate for 127.0.0.1 with this CN, written to dir as <name>.key / <name>.pem */
export function selfSignedCert(dir: string, name: string, cn: string): TestCert {
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1');
  const cert = readFileSync(join(dir, `${name}.pem`), 'utf8');
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert, fingerprint: fingerprintOf(new X509Certificate(cert).raw) };
}

/** the URL of a loopback port nothing listens on (a connection is refused) */
export async function closedPortUrl(): Promise<string> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((r) => probe.close(r));
  return url;
}

/** a loopback server that accepts TCP and never speaks TLS (a call times out) */
export async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
