// E-mail over SMTP with nodemailer (https://nodemailer.com/smtp/): `security` picks the documented transport
// options — "tls": implicit TLS from the first byte (`secure: true`, port 465); "starttls": plain connect, then
// STARTTLS, refusing to go on without it (`requireTLS: true`, port 587; https://nodemailer.com/smtp/#tls-options);
// "none": no TLS at all (`ignoreTLS: true`), which the config allows only for a relay on loopback
// (model/alerts/channels.ts) and this sender enforces. Subject = the title, a text/plain body, `Auto-Submitted:
// auto-generated` (RFC 3834: no auto-replies to an alert). SendResult.status is the SMTP reply code (250 when
// accepted; 535, 550 … when refused); every nodemailer timeout is the send's timeout, and the send is aborted
// (nodemailer ≥ 10.5 honours `signal`) when it runs out.
import { isIP } from 'node:net';
import type { Notification } from '@quorate/model';
import nodemailer from 'nodemailer';
import { seconds } from '../http';
import { clip, oneLine, secretsOf } from '../text';
import { delivered, failed, guarded, type Sender } from '../types';

export const EMAIL_MAX_SUBJECT = 250;

/** localhost, 127.0.0.0/8 or ::1: where plain SMTP ("none") may go */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

export function emailText(n: Notification): string {
  const lines = [n.body || n.title];
  if (n.url) lines.push('', n.url);
  lines.push('', '— Quorate');
  return lines.join('\n');
}

/** the SMTP reply code at the start of a server reply ("250 2.0.0 Ok: queued") */
const replyCode = (response: unknown): number | null => {
  const m = typeof response === 'string' ? /^([2-5]\d\d)\b/.exec(response) : null;
  return m ? Number(m[1]) : null;
};

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
  rejected?: unknown[];
}

function describeSmtpError(e: SmtpError, where: string, timeoutMs: number): string {
  const said = e.response ? oneLine(e.response, 200) : '';
  switch (e.code) {
    case 'EAUTH':
      return `${where}: authentication failed${said ? ` (${said})` : ''}`;
    case 'ENOAUTH':
      return `${where}: the server wants authentication and no username/password is set`;
    case 'EENVELOPE':
      return `${where}: ${said ? `refused the envelope (${said})` : oneLine(e.message ?? 'refused the envelope')}`;
    case 'ETIMEDOUT':
    case 'EABORT':
      return `no answer from ${where} within ${seconds(timeoutMs)}`;
    case 'ETLS':
      return `${where}: TLS failed (${oneLine(e.message ?? '', 160)})`;
    case 'EDNS':
      return `${where}: host name not found`;
    default: {
      const msg = oneLine(e.message ?? 'send failed', 200);
      if (/ECONNREFUSED/.test(msg)) return `${where}: connection refused`;
      if (/STARTTLS/i.test(msg) && e.code !== 'EMESSAGE') return `${where}: ${msg}`;
      if (/self[- ]signed|unable to verify|certificate/i.test(msg)) return `${where}: TLS: the server's certificate is not trusted (${msg})`;
      return `${where}: ${said || msg}`;
    }
  }
}

export const sendEmail: Sender<'email'> = (config, n, opts) => {
  const secrets = secretsOf('email', config);
  return guarded(secrets, async () => {
    const where = `SMTP ${config.host}:${config.port}`;
    if (config.security === 'none' && !isLoopbackHost(config.host)) {
      return failed(`${where}: plain SMTP (no TLS) is only for a relay on loopback; use STARTTLS or TLS`);
    }
    if (opts.signal?.aborted) return failed(`cancelled before ${where} was tried`);
    const transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.security === 'tls',
      requireTLS: config.security === 'starttls',
      ignoreTLS: config.security === 'none',
      auth: config.username || config.password ? { user: config.username ?? '', pass: config.password ?? '' } : undefined,
      connectionTimeout: opts.timeoutMs,
      greetingTimeout: opts.timeoutMs,
      socketTimeout: opts.timeoutMs,
      tls: { servername: isIP(config.host) ? undefined : config.host, minVersion: 'TLSv1.2', ...(opts.tls?.ca ? { ca: opts.tls.ca } : {}) },
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
      debug: false,
    });
    const ctl = new AbortController();
    let timedOut = false;
    const onCancel = (): void => ctl.abort();
    opts.signal?.addEventListener('abort', onCancel, { once: true });
    let timer: NodeJS.Timeout | undefined;
    // the hard bound: nodemailer's own timeouts are per phase; this one is for the whole send
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        ctl.abort();
        resolve('timeout');
      }, opts.timeoutMs);
    });
    try {
      const sending = transport.sendMail({
        from: { name: 'Quorate', address: config.from },
        to: config.to,
        subject: clip(n.title, EMAIL_MAX_SUBJECT),
        text: emailText(n),
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Quorate-Notification': n.id },
        signal: ctl.signal,
      });
      sending.catch(() => {}); // settled below or abandoned at the deadline
      const info = await Promise.race([sending, deadline]);
      if (info === 'timeout') return failed(`no answer from ${where} within ${seconds(opts.timeoutMs)}`);
      const status = replyCode(info.response);
      const rejected = (info.rejected ?? []).map(String);
      if ((info.accepted ?? []).length === 0) return failed(`${where}: no recipient accepted${rejected.length ? ` (rejected: ${rejected.join(', ')})` : ''}`, status);
      const partly = rejected.length ? `; rejected: ${rejected.join(', ')}` : '';
      return delivered(`accepted by ${where}: ${oneLine(String(info.response ?? ''), 160)}${partly}`, status);
    } catch (e) {
      const err = (e ?? {}) as SmtpError;
      if (timedOut) return failed(`no answer from ${where} within ${seconds(opts.timeoutMs)}`);
      if (opts.signal?.aborted) return failed(`cancelled while sending to ${where}`);
      return failed(describeSmtpError(err, where, opts.timeoutMs), err.responseCode ?? replyCode(err.response));
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onCancel);
      transport.close();
    }
  });
};
