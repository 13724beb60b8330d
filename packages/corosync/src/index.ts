// @quorate/corosync: pure parsers and writers for Corosync / pvecm tool output and corosync.conf.
export * from './result';
export * from './membership';
export * from './quorumtool-status';
export * from './pvecm-status';
export * from './quorumtool-list';
export * from './quorumtool-monitor';
export * from './cmap';
export * from './knet-stats';
export * from './cmap-runtime';
export * from './cfgtool';
export * from './corosync-conf';
export * from './corosync-conf-view';
export * from './conf-edit';
export * from './mappers';
export { splitLines, parseNodeId, parseUInt } from './text';
export * from './corosync-log';
export * from './qdevice-tool';
export * from './qnetd-tool';
