// `up --sshd`: Debian's OpenSSH server in every node's namespace, as on a Proxmox VE node, so the `ssh`
// source can be tested against the real thing. Host keys, client key, configs, pid files and logs all
// live in the lab dir; the root namespace reaches the nodes through one veth per link into the bridges.

export const SSHD_BIN = '/usr/sbin/sshd';
export const SSH_PORT = 22;
/** the root namespace's address on link l: .254 of the link's /24, far above the nodes' 10+i */
export const hostLinkAddress = (l: number) => `198.18.${l}.254`;
/** root-namespace end of the host link (at most 15 characters with a 12-character prefix) */
export const hostLinkIface = (prefix: string, l: number) => `${prefix}-h${l}`;
/** bridge-namespace end of the host link, a port of br<l> */
export const hostLinkPort = (l: number) => `host${l}`;

export interface SshdConfigInput {
  node: string;
  listenAddress: string;
  port: number;
  hostKeyFile: string;
  pidFile: string;
  authorizedKeysFile: string;
}

/**
 * sshd_config for one node: key authentication only (root with a key, no passwords, no PAM), no DNS
 * lookups, nothing forwarded. StrictModes is off because the lab dir lives under /tmp (mode 1777), which
 * StrictModes refuses on the way to the authorized_keys file; the files themselves are root's, 0600/0644.
 */
export function renderSshdConfig(c: SshdConfigInput): string {
  return [
    `# sshd of lab node ${c.node}, written by \`npm run lab -- up --sshd\``,
    `ListenAddress ${c.listenAddress}:${c.port}`,
    'AddressFamily inet',
    `HostKey ${c.hostKeyFile}`,
    `PidFile ${c.pidFile}`,
    `AuthorizedKeysFile ${c.authorizedKeysFile}`,
    'AuthenticationMethods publickey',
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'AllowUsers root',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitEmptyPasswords no',
    'UsePAM no',
    'UseDNS no',
    'StrictModes no',
    'X11Forwarding no',
    'AllowTcpForwarding no',
    'AllowAgentForwarding no',
    'PermitTunnel no',
    'PrintMotd no',
    'PrintLastLog no',
    'LogLevel INFO',
    '',
  ].join('\n');
}

/** `256 SHA256:abc... comment (ED25519)` (ssh-keygen -lf) -> `SHA256:abc...` */
export function parseKeygenFingerprint(text: string): string | null {
  const m = /^\d+\s+(SHA256:[A-Za-z0-9+/]{43})\s/m.exec(text);
  return m?.[1] ?? null;
}

/** A known_hosts line from a .pub file's text: `198.18.0.11 ssh-ed25519 AAAA...` (comment dropped). */
export function knownHostsLine(address: string, port: number, pub: string): string {
  const [type, blob] = pub.trim().split(/\s+/);
  if (!type || !blob) throw new Error(`not a public key: ${JSON.stringify(pub.slice(0, 80))}`);
  return `${port === 22 ? address : `[${address}]:${port}`} ${type} ${blob}`;
}
