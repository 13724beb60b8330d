import { describe, expect, it } from 'vitest';
import { ChannelInput, redactChannel, SECRET_SET, type Channel } from './channels';

const at = { id: 'ch_0123456789ab', createdAt: 1, updatedAt: 1 };
const channel = (raw: unknown): Channel => ({ ...ChannelInput.parse(raw), ...at });

describe('redactChannel', () => {
  it('secret fields read as (set); a secret URL keeps only its origin as a hint', () => {
    const v = redactChannel(channel({ type: 'ntfy', name: 'phone', config: { url: 'https://ntfy.example.org/quorate-topic-8f2a', token: 'tk_abcdef' } }));
    expect(v.config).toEqual({ url: SECRET_SET, token: SECRET_SET });
    expect(v.hints).toEqual({ url: 'https://ntfy.example.org' });
    expect(JSON.stringify(v)).not.toMatch(/quorate-topic-8f2a|tk_abcdef/);
  });

  it('user:password@ is cut from a URL that is not itself secret', () => {
    const v = redactChannel(channel({ type: 'gotify', name: 'g', config: { url: 'https://bob:hunter2@gotify.example.org/sub', token: 'AbCdEf' } }));
    expect(v.config).toEqual({ url: 'https://gotify.example.org/sub', token: SECRET_SET });
    expect(JSON.stringify(v)).not.toContain('hunter2');
  });

  it('an e-mail channel shows everything but its password', () => {
    const v = redactChannel(channel({ type: 'email', name: 'm', config: { host: 'smtp.example.org', username: 'q', password: 'pw-123', from: 'q@example.org', to: ['ops@example.org'] } }));
    expect(v.config).toEqual({ host: 'smtp.example.org', port: 587, security: 'starttls', username: 'q', password: SECRET_SET, from: 'q@example.org', to: ['ops@example.org'] });
  });
});
