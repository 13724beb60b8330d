// Test keys from ssh2's own generator. Now and then (random key bytes) it emits an ed25519 key whose
// OpenSSH public form its own parser rejects ("Malformed OpenSSH public key"); draw again until both halves
// parse, so a test never fails on the luck of the draw.
import { utils } from 'ssh2';

export function sshKeyPair(): { private: string; public: string } {
  for (let i = 0; i < 20; i++) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.public) instanceof Error) && !(utils.parseKey(pair.private) instanceof Error)) return pair;
  }
  throw new Error('ssh2 produced no parseable ed25519 key in 20 draws');
}
