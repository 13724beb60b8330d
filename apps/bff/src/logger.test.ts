import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

describe('logger', () => {
  it('redacts authorization headers, cookies and credential fields', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger('info', sink);
    log.info({
      req: { headers: { authorization: 'Bearer s3cret-a', cookie: 'sid=s3cret-b', host: 'x' } },
      password: 's3cret-c',
      node: { token: 's3cret-d', name: 'pve1' },
      cluster: { api: { tokenSecret: 's3cret-e' } },
    }, 'hello');
    const out = lines.join('');
    expect(out).toContain('"host":"x"');
    expect(out).toContain('"name":"pve1"');
    expect(out).not.toMatch(/s3cret/);
    expect(out.match(/\[redacted\]/g)).toHaveLength(5);
  });
});
