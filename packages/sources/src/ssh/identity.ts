// An SSH key pair for Quorate itself (ed25519), and the public half of a stored private key: the BFF keeps
// the private key encrypted and shows the public half (authorized_keys line and fingerprint) to admins.
// ssh2 is CommonJS: under plain Node (tsx, npm run admin) only its default export is there
import ssh2 from 'ssh2';
import { sshFingerprint } from '../runners/fingerprint';

const { utils } = ssh2;

export interface SshKeyPublic {
  /** the authorized_keys line: "ssh-ed25519 AAAA… comment" */
  publicKey: string;
  /** as `ssh-keygen -lf` prints it */
  fingerprint: string;
}

/** a new ed25519 key pair; the private half in OpenSSH format */
export function makeSshKeyPair(comment: string): { privateKey: string } & SshKeyPublic {
  const pair = utils.generateKeyPairSync('ed25519', { comment });
  return { privateKey: pair.private, ...publicHalf(pair.private, comment) };
}

/** the public half of a private key (throws naming the problem when it is not a key) */
export function publicHalf(privateKey: string, comment: string): SshKeyPublic {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new Error(`not a usable SSH private key: ${parsed.message}`);
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  const blob = key.getPublicSSH();
  return { publicKey: `${key.type} ${blob.toString('base64')} ${comment}`, fingerprint: sshFingerprint(blob) };
}
