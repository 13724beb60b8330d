// E-mail against a real SMTP server (smtp-server) on 127.0.0.1: STARTTLS with a self-signed certificate made
// by openssl (the pve tests' helper), AUTH checked, the message read back as the server received it.
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert, type TestCert } from '../../../sources/src/pve/tls.test-helper';
import { closedPort, notification } from '../receiver.test-helper';
import { isLoopbackHost, sendEmail } from './email';

const USER = 'quorate@lab.example';
const PASS = 'smtp-pa55word-not-to-be-seen';

interface Got {
  from: string;
  to: string[];
  raw: string;
  secure: boolean;
  user: string | undefined;
}

let dir: string;
let cert: TestCert;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'quorate-smtp-'));
  cert = selfSignedCert(dir, 'smtp', '127.0.0.1');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const servers: SMTPServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(() => r(undefined)))));
});

/** a real SMTP server on 127.0.0.1: STARTTLS with the test certificate, AUTH required, nobody@ refused */
async function smtp(over: Partial<SMTPServerOptions> = {}): Promise<{ port: number; got: Got[]; auths: { user?: string; secure: boolean }[] }> {
  const got: Got[] = [];
  const auths: { user?: string; secure: boolean }[] = [];
  const server = new SMTPServer({
    key: cert.key,
    cert: cert.cert,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, session, cb) {
      auths.push({ user: auth.username, secure: session.secure });
      if (auth.username === USER && auth.password === PASS) return cb(null, { user: auth.username });
      const err = new Error('Authentication credentials invalid') as Error & { responseCode: number };
      err.responseCode = 535;
      cb(err);
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith('nobody@')) {
        const err = new Error(`<${address.address}>: Recipient address rejected: User unknown`) as Error & { responseCode: number };
        err.responseCode = 550;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        got.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        cb();
      });
    },
    ...over,
  });
  servers.push(server);
  server.on('error', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.server.address() as AddressInfo).port, got, auths };
}

/** a header of a raw message, unfolded and with RFC 2047 encoded words decoded */
function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  const v = line ? line.slice(name.length + 1).trim() : '';
  return v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : qp(text.replace(/_/g, ' ')),
    );
}

/** quoted-printable to text */
function qp(s: string): string {
  const bytes: number[] = [];
  const t = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '=' && /^[0-9A-F]{2}$/i.test(t.slice(i + 1, i + 3))) {
      bytes.push(parseInt(t.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(t[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** the text body of a single-part message, decoded */
function body(raw: string): string {
  const [, ...rest] = raw.split(/\r?\n\r?\n/);
  const b = rest.join('\n\n');
  const enc = header(raw, 'Content-Transfer-Encoding').toLowerCase();
  const text = enc === 'quoted-printable' ? qp(b) : enc === 'base64' ? Buffer.from(b, 'base64').toString('utf8') : b;
  return text.replace(/\r\n/g, '\n').replace(/\n$/, '');
}

const base = (port: number) => ({ host: '127.0.0.1', port, security: 'starttls' as const, username: USER, password: PASS, from: 'alerts@lab.example', to: ['admin@lab.example', 'oncall@lab.example'] });
const opts = () => ({ timeoutMs: 5_000, tls: { ca: cert.cert } });

describe('e-mail sender (nodemailer) against a real SMTP server', () => {
  it('STARTTLS, AUTH, then the message: Subject = title, From, To, the text body; status is the reply code', async () => {
    const s = await smtp();
    const n = notification();
    const r = await sendEmail(base(s.port), n, opts());
    expect(r.ok).toBe(true);
    expect(r.status).toBe(250);
    expect(r.detail).toMatch(new RegExp(`^accepted by SMTP 127\\.0\\.0\\.1:${s.port}: 250`));
    expect(s.auths).toEqual([{ user: USER, secure: true }]); // authenticated only after STARTTLS
    expect(s.got).toHaveLength(1);
    const m = s.got[0]!;
    expect(m.secure).toBe(true);
    expect(m.user).toBe(USER);
    expect(m.from).toBe('alerts@lab.example');
    expect(m.to).toEqual(['admin@lab.example', 'oncall@lab.example']);
    expect(header(m.raw, 'Subject')).toBe(n.title);
    expect(header(m.raw, 'From')).toBe('Quorate <alerts@lab.example>');
    expect(header(m.raw, 'To')).toBe('admin@lab.example, oncall@lab.example');
    expect(header(m.raw, 'Auto-Submitted')).toBe('auto-generated');
    expect(header(m.raw, 'X-Quorate-Notification')).toBe(n.id);
    expect(header(m.raw, 'Content-Type')).toMatch(/^text\/plain/);
    expect(body(m.raw)).toBe(`${n.body}\n\n${n.url}\n\n— Quorate`);
    expect(m.raw).not.toContain(PASS);
  });

  it('implicit TLS (security "tls") works too', async () => {
    const s = await smtp({ secure: true });
    const r = await sendEmail({ ...base(s.port), security: 'tls' }, notification(), opts());
    expect(r).toMatchObject({ ok: true, status: 250 });
    expect(s.got[0]!.secure).toBe(true);
  });

  it('a rejected recipient: ok false, the 550 and the server text, no password', async () => {
    const s = await smtp();
    const r = await sendEmail({ ...base(s.port), to: ['nobody@lab.example'] }, notification(), opts());
    expect(r.ok).toBe(false);
    expect(r.status).toBe(550);
    expect(r.detail).toContain('Recipient address rejected');
    expect(r.detail).toContain(`SMTP 127.0.0.1:${s.port}`);
    expect(r.detail).not.toContain(PASS);
    expect(s.got).toHaveLength(0);
  });

  it('one of two recipients rejected: delivered to the other, and the detail names the rejected one', async () => {
    const s = await smtp();
    const r = await sendEmail({ ...base(s.port), to: ['admin@lab.example', 'nobody@lab.example'] }, notification(), opts());
    expect(r.ok).toBe(true);
    expect(r.detail).toContain('rejected: nobody@lab.example');
    expect(s.got[0]!.to).toEqual(['admin@lab.example']);
  });

  it('a wrong password: 535, authentication failed, neither password in the detail', async () => {
    const s = await smtp();
    const r = await sendEmail({ ...base(s.port), password: 'wrong-password-also-secret' }, notification(), opts());
    expect(r.ok).toBe(false);
    expect(r.status).toBe(535);
    expect(r.detail).toContain('authentication failed');
    expect(r.detail).not.toContain('wrong-password-also-secret');
    expect(r.detail).not.toContain(PASS);
    expect(s.got).toHaveLength(0);
  });

  it('STARTTLS required: a server that does not offer it gets nothing, not even the password', async () => {
    const s = await smtp({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
    const r = await sendEmail(base(s.port), notification(), opts());
    expect(r.ok).toBe(false);
    expect(r.detail).toContain('STARTTLS');
    expect(s.auths).toEqual([]);
    expect(s.got).toHaveLength(0);
  });

  it("an untrusted certificate is refused (no CA given for the test's self-signed one)", async () => {
    const s = await smtp();
    const r = await sendEmail(base(s.port), notification(), { timeoutMs: 5_000 });
    expect(r.ok).toBe(false);
    expect(r.detail).toContain("TLS: the server's certificate is not trusted");
    expect(s.auths).toEqual([]);
  });

  it('plain SMTP ("none") goes to a loopback relay only — elsewhere it is refused before any connection', async () => {
    const s = await smtp({ disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true });
    const r = await sendEmail({ host: '127.0.0.1', port: s.port, security: 'none', from: 'alerts@lab.example', to: ['admin@lab.example'] }, notification(), opts());
    expect(r).toMatchObject({ ok: true, status: 250 });
    expect(s.got[0]!.secure).toBe(false);
    const far = await sendEmail({ host: 'mail.lab.example', port: 25, security: 'none', from: 'alerts@lab.example', to: ['admin@lab.example'] }, notification(), opts());
    expect(far).toEqual({ ok: false, status: null, detail: expect.stringContaining('only for a relay on loopback') });
    expect(['localhost', '127.0.0.1', '127.8.9.1', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['10.0.0.1', 'mail.example', '::ffff:10.0.0.1', '128.0.0.1'].some(isLoopbackHost)).toBe(false);
  });

  it('a server that never greets: ok false within the timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((sock) => sockets.push(sock.on('error', () => {})));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const t0 = Date.now();
    const r = await sendEmail(base(port), notification(), { timeoutMs: 400, tls: { ca: cert.cert } });
    const took = Date.now() - t0;
    for (const sock of sockets) sock.destroy();
    await new Promise((res) => silent.close(res));
    expect(r.ok).toBe(false);
    expect(r.status).toBeNull();
    expect(r.detail).toBe(`no answer from SMTP 127.0.0.1:${port} within 0.4 s`);
    expect(took).toBeLessThan(2_000);
  });

  it('connection refused on a closed loopback port', async () => {
    const port = await closedPort();
    const r = await sendEmail(base(port), notification(), opts());
    expect(r.ok).toBe(false);
    expect(r.detail).toBe(`SMTP 127.0.0.1:${port}: connection refused`);
  });
});
