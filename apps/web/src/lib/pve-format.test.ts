// What the Proxmox API adds to a node, in words: a null figure stays null (the view says "—"), never 0.
import { describe, expect, it } from 'vitest';
import { formatCpu, formatGuests, formatMemory, formatUptime, guestCount, lrmTrouble, memoryPct, shortPveVersion } from './pve-format';

const GiB = 1024 ** 3;

describe('pve-format', () => {
  it('CPU in percent; an idle node is "<1%", not "0%"; null stays null', () => {
    expect(formatCpu(0.034)).toBe('3%');
    expect(formatCpu(0.00336910406788121)).toBe('<1%');
    expect(formatCpu(0)).toBe('0%');
    expect(formatCpu(1.2)).toBe('100%');
    expect(formatCpu(null)).toBeNull();
  });

  it('memory used / total in GiB with one decimal; unknown or no total is null', () => {
    expect(formatMemory(2113265664, 65919459328)).toBe('2.0 / 61.4 GiB');
    expect(formatMemory(88.2 * GiB, 125.7 * GiB)).toBe('88.2 / 125.7 GiB');
    expect(formatMemory(null, 64 * GiB)).toBeNull();
    expect(formatMemory(1, 0)).toBeNull();
    expect(memoryPct({ memUsedBytes: 16 * GiB, memTotalBytes: 64 * GiB } as never)).toBe(25);
    expect(memoryPct({ memUsedBytes: null, memTotalBytes: 64 * GiB } as never)).toBeNull();
  });

  it('uptime: days and hours, hours and minutes, minutes, seconds', () => {
    expect(formatUptime(12 * 86_400 + 3 * 3600 + 59 * 60)).toBe('12 d 3 h');
    expect(formatUptime(2501631)).toBe('28 d 22 h');
    expect(formatUptime(5 * 3600 + 12 * 60)).toBe('5 h 12 min');
    expect(formatUptime(7 * 60 + 5)).toBe('7 min');
    expect(formatUptime(40)).toBe('40 s');
    expect(formatUptime(null)).toBeNull();
  });

  it('the PVE version, short: from the status string or "pve-manager 8.2.4"; anything else as it came', () => {
    expect(shortPveVersion('pve-manager/8.2.4/faa83925')).toBe('PVE 8.2.4');
    expect(shortPveVersion('pve-manager/7.4-16/0f39f621')).toBe('PVE 7.4-16');
    expect(shortPveVersion('pve-manager 8.2.4')).toBe('PVE 8.2.4');
    expect(shortPveVersion('9.0.3')).toBe('9.0.3');
    expect(shortPveVersion('')).toBeNull();
    expect(shortPveVersion(null)).toBeNull();
  });

  it('guests: the states there are, HA last; none; not known', () => {
    expect(formatGuests({ running: 3, stopped: 2, unknown: 0, haManaged: 1 })).toBe('3 running · 2 stopped · 1 HA');
    expect(formatGuests({ running: 0, stopped: 2, unknown: 0, haManaged: 0 })).toBe('2 stopped');
    expect(formatGuests({ running: 0, stopped: 0, unknown: 2, haManaged: 1 })).toBe('2 unknown · 1 HA');
    expect(formatGuests({ running: 0, stopped: 0, unknown: 0, haManaged: 0 })).toBe('no guests');
    expect(formatGuests(null)).toBeNull();
    expect(guestCount({ running: 1, stopped: 2, unknown: 3, haManaged: 1 })).toBe(6);
    expect(guestCount(null)).toBeNull();
  });

  it('an LRM in trouble: dead, lost lock; active and idle are not', () => {
    expect(lrmTrouble('old timestamp - dead?')).toBe(true);
    expect(lrmTrouble('lost_agent_lock')).toBe(true);
    expect(lrmTrouble('active')).toBe(false);
    expect(lrmTrouble('idle')).toBe(false);
    expect(lrmTrouble(null)).toBe(false);
  });
});
