// Fault injection into a simulated cluster (operator role; only clusters with the `faults` capability).
import type { SimFault } from '@quorate/model';
import { request } from './http';

export function postFault(clusterId: string, fault: SimFault): Promise<{ ok: true }> {
  return request(`/api/v1/sim/faults?cluster=${encodeURIComponent(clusterId)}`, { method: 'POST', body: fault });
}
