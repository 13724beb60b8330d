// Ticket auth for the root@pam-only calls (join, create, delnode; facts §1.1, §1.3): POST /access/ticket with
// the password → {ticket, CSRFPreventionToken}; calls then send Cookie PVEAuthCookie=<ticket>, and the
// CSRFPreventionToken header on POST/DELETE. With TOTP the first reply is a half ticket (NeedTFA); the second
// step sends it back as tfa-challenge with password "totp:<code>". Password, ticket and code never appear in
// an error.
import { z } from 'zod';
import { PveClient } from './client';
import { Flag } from './schemas';
import { scrubError } from './scrub';
import { PveError, type Authorizer, type PveMethod, type PveTransport } from './transport';

export const ROOT_USER = 'root@pam';

export interface Credentials {
  password: string;
  /** the current TOTP code, when root@pam has one */
  otp?: string | undefined;
}

export interface Ticket {
  ticket: string;
  csrf: string;
}

const TicketReply = z
  .object({ username: z.string().optional(), ticket: z.string().min(1), CSRFPreventionToken: z.string().optional(), NeedTFA: Flag.optional() })
  .catchall(z.unknown());

/** a half ticket: good only for the second factor */
const needsTfa = (r: z.infer<typeof TicketReply>) => r.NeedTFA === true || r.ticket.startsWith('PVE:!tfa!');

/** a login that failed in a way the admin must fix (wrong password, TOTP), not a node that did not answer */
export class LoginError extends Error {
  constructor(
    readonly reason: 'password' | 'totp' | 'reply',
    message: string,
  ) {
    super(message);
    this.name = 'LoginError';
  }
}

async function ask(client: PveClient, form: Record<string, string>, where: string): Promise<z.infer<typeof TicketReply>> {
  const data = await client.post('access/ticket', form);
  const r = TicketReply.safeParse(data);
  if (!r.success) throw new LoginError('reply', `${where}: POST /access/ticket gave no ticket`);
  return r.data;
}

const is401 = (e: unknown) => e instanceof PveError && e.detail.status === 401;

/**
 * root@pam's ticket on the node behind `transport` (which must send no credentials of its own). Rejects with a
 * LoginError for a refused password or a missing/refused TOTP code, a PveError when the node did not answer.
 */
export async function login(transport: PveTransport, creds: Credentials, where: string): Promise<Ticket> {
  const client = new PveClient(transport, 'the password was refused');
  const secrets = [creds.password, creds.otp];
  try {
    let r: z.infer<typeof TicketReply>;
    try {
      r = await ask(client, { username: ROOT_USER, password: creds.password, 'new-format': '1' }, where);
    } catch (err) {
      if (is401(err)) throw new LoginError('password', `${where}: root@pam's password was refused (401 ${(err as PveError).message.split(' (')[0]!.replace(/^401 /, '')}); check the password, and that root@pam may log in there`);
      throw err;
    }
    if (needsTfa(r)) {
      if (creds.otp === undefined || creds.otp === '')
        throw new LoginError('totp', `root@pam has TOTP: ${where} asks for a second factor after the password; give the current one-time code (it is valid for about 30 s), or log in once in the GUI to check the factor works`);
      try {
        r = await ask(client, { username: ROOT_USER, 'tfa-challenge': r.ticket, password: `totp:${creds.otp}`, 'new-format': '1' }, where);
      } catch (err) {
        if (is401(err)) throw new LoginError('totp', `root@pam has TOTP: ${where} refused the one-time code (401); enter the current code (check the clock of the device that makes it)`);
        throw err;
      }
      if (needsTfa(r)) throw new LoginError('totp', `root@pam has TOTP: ${where} still asks for a second factor after the code; a factor other than TOTP (WebAuthn, recovery key) cannot be used here`);
    }
    if (r.CSRFPreventionToken === undefined) throw new LoginError('reply', `${where}: POST /access/ticket gave a ticket without a CSRFPreventionToken`);
    return { ticket: r.ticket, csrf: r.CSRFPreventionToken };
  } catch (err) {
    throw scrubError(err, secrets);
  }
}

/** the ticket's headers: the cookie on every call, the CSRF token on POST/DELETE (GET needs none) */
export function ticketAuthorizer(current: () => Ticket | null): Authorizer {
  return {
    headers: (method?: PveMethod) => {
      const t = current();
      if (t === null) return {};
      return { Cookie: `PVEAuthCookie=${encodeURIComponent(t.ticket)}`, ...(method !== undefined && method !== 'GET' ? { CSRFPreventionToken: t.csrf } : {}) };
    },
  };
}
