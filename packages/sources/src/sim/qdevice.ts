// `pvecm qdevice setup <host>` / `remove` on the simulator: the facts the pre-flight reads (every node has
// corosync-qdevice; TCP 5403 to the sim's one qnetd host, unless the `qnetd` spare fault made it unreachable),
// then the change with pvecm's INFO lines a step apart. A setup that cannot reach qnetd fails before
// corosync.conf changes, as pvecm's certificate step would.
import { QDEVICE_PORT, QdeviceSetupInput, type QdeviceFacts } from '@quorate/model';
import { SimFaultError } from './errors';
import { runner, type OperationOptions, type SimControl } from './operation';
import { SimQdeviceOptions } from './options';

/** the simulated qnetd answers under this name and the address SimQdeviceOptions defaults to */
export const SIM_QNETD_NAME = 'qnetd';
export const SIM_QNETD_ADDRESS = SimQdeviceOptions.parse({}).host;

const isSimQnetd = (host: string) => host === SIM_QNETD_NAME || host === SIM_QNETD_ADDRESS;

export function simQdeviceFacts(ctl: SimControl, host: string): QdeviceFacts {
  const s = ctl.state();
  const snap = ctl.snapshot();
  const ours = isSimQnetd(host);
  const port = (online: boolean): QdeviceFacts['nodes'][number]['qnetdPort'] => {
    if (!online) return { unmeasured: 'the node is offline' };
    if (!ours) return { ok: false, detail: `${host}: Name or service not known (the simulator's qnetd is ${SIM_QNETD_NAME}, ${SIM_QNETD_ADDRESS})` };
    if (s.qnetdUnreachable) return { ok: false, detail: `${host}:${QDEVICE_PORT}: connection timed out` };
    return { ok: true, detail: `connected to ${host}:${QDEVICE_PORT}` };
  };
  return {
    host,
    nodes: snap.nodes.map((n) => ({ name: n.name, online: n.state === 'online', qdevicePackage: n.state === 'online' ? true : { unmeasured: 'the node is offline' }, qnetdPort: port(n.state === 'online') })),
    qnetdRunning: ours ? !s.qnetdUnreachable || { unmeasured: `${host} cannot be reached` } : { unmeasured: `${host} is not the simulator's qnetd host` },
  };
}

export async function simQdeviceSetup(ctl: SimControl, input: unknown, o: OperationOptions = {}): Promise<void> {
  const r = runner(o);
  const parsed = QdeviceSetupInput.safeParse(input);
  if (!parsed.success) throw new SimFaultError(`invalid QDevice setup: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
  const { host, algorithm } = parsed.data;
  const s = ctl.state();
  const snap = ctl.snapshot();
  if (snap.qdevice) throw new SimFaultError('QDevice already configured!');
  const offline = snap.nodes.filter((n) => n.state !== 'online').map((n) => n.name);
  if (offline.length > 0) throw new SimFaultError(`all nodes must be online: ${offline.join(', ')} ${offline.length === 1 ? 'is' : 'are'} not`);
  r.checkAbort('the QDevice setup');
  await r.line(`INFO: initializing qnetd server`);
  if (!isSimQnetd(host) || s.qnetdUnreachable) throw new SimFaultError(`ssh: connect to host ${host} port 22: ${isSimQnetd(host) ? 'Connection timed out' : 'Name or service not known'} — nothing was changed`);
  await r.line('INFO: copying CA cert and initializing on all nodes');
  await r.line('INFO: generating cert request');
  await r.line('INFO: copying exported cert request to qnetd server');
  await r.line('INFO: importing certificate');
  await r.line('INFO: copy and import pk12 cert to all nodes');
  r.checkAbort('the QDevice setup');
  // the point of no return: corosync.conf gets the quorum.device section
  ctl.replace({ ...ctl.state(), qdevice: SimQdeviceOptions.parse({ algorithm, host }), configVersion: (s.configVersion ?? 1) + 1 });
  await r.line('INFO: add QDevice to cluster configuration');
  await r.line('INFO: start and enable corosync qdevice daemon on all nodes');
  await r.line('Reloading corosync.conf...');
  await r.line('Done');
}

export async function simQdeviceRemove(ctl: SimControl, o: OperationOptions = {}): Promise<void> {
  const r = runner(o);
  const s = ctl.state();
  if (!ctl.snapshot().qdevice) throw new SimFaultError('no QDevice configured!');
  r.checkAbort('the QDevice removal');
  ctl.replace({ ...s, qdevice: null, configVersion: (s.configVersion ?? 1) + 1 });
  await r.line('INFO: remove QDevice from cluster configuration');
  await r.line('INFO: stop and disable corosync qdevice daemon on all nodes');
  await r.line('Reloading corosync.conf...');
  await r.line('Done');
}
