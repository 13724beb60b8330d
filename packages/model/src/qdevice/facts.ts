// What a QDevice change (issue 16: `pvecm qdevice setup` / `remove`) needs to know before it changes anything,
// as a source reports it. A fact the source could not read is Unmeasured (with why), never a pass.
import { z } from 'zod';
import { Unmeasured } from '../join/facts';

export const QDEVICE_PORT = 5403;

export const QdeviceAlgorithm = z.enum(['ffsplit', 'lms']);
export type QdeviceAlgorithm = z.infer<typeof QdeviceAlgorithm>;

/** the qnetd host as corosync.conf's quorum.device.net.host takes it: a host name or an IPv4/IPv6 address */
export const QnetdHost = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]+)$/, 'a host name or an IP address');

/** one node's side: the daemon package, and TCP 5403 to the qnetd host from this node */
export const QdeviceNodeFacts = z.object({
  name: z.string(),
  online: z.boolean(),
  /** corosync-qdevice is installed (the daemon that talks to qnetd) */
  qdevicePackage: z.union([z.boolean(), Unmeasured]),
  /** TCP to the qnetd host's port from this node: connected, or why not */
  qnetdPort: z.union([z.object({ ok: z.boolean(), detail: z.string() }), Unmeasured]),
});
export type QdeviceNodeFacts = z.infer<typeof QdeviceNodeFacts>;

export const QdeviceFacts = z.object({
  host: z.string(),
  nodes: z.array(QdeviceNodeFacts),
  /** corosync-qnetd runs on the host (lab: its namespace; real: asked over SSH), or Unmeasured */
  qnetdRunning: z.union([z.boolean(), Unmeasured]),
});
export type QdeviceFacts = z.infer<typeof QdeviceFacts>;

/** what a QDevice change asks: setup needs the host (and an algorithm, ffsplit by default) */
export const QdeviceSetupInput = z.object({ host: QnetdHost, algorithm: QdeviceAlgorithm.default('ffsplit') });
export type QdeviceSetupInput = z.infer<typeof QdeviceSetupInput>;
