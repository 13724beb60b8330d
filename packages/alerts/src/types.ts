import type { ChannelConfig, ChannelType, Notification, SendResult } from '@quorate/model';
import { scrub } from './text';

/** how one send runs */
export interface SendOptions {
  /** the whole send (connect, request, reply) ends by then: a failure "no answer within N s" */
  timeoutMs: number;
  /** the caller's cancel (the BFF stopping, a channel deleted mid-send) */
  signal?: AbortSignal;
  /** HTTP senders: the fetch to use (default: the global one) */
  fetch?: typeof fetch;
  /** e-mail: extra CA certificates (PEM) to trust for the SMTP server's certificate — a private relay, or a test */
  tls?: { ca?: string | string[] };
}

/** one provider's sender: never throws, never puts a secret in `detail` */
export type Sender<T extends ChannelType> = (config: ChannelConfig<T>, notification: Notification, opts: SendOptions) => Promise<SendResult>;

export const failed = (detail: string, status: number | null = null): SendResult => ({ ok: false, status, detail });
export const delivered = (detail: string, status: number | null): SendResult => ({ ok: true, status, detail });

/** runs a send so that it cannot throw and its detail carries no secret */
export async function guarded(secrets: readonly string[], send: () => Promise<SendResult>): Promise<SendResult> {
  try {
    const r = await send();
    return { ...r, detail: scrub(r.detail, secrets) };
  } catch (e) {
    return failed(scrub(`unexpected failure: ${e instanceof Error ? e.message : String(e)}`, secrets));
  }
}
