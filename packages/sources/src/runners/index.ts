export * from './types';
export { LocalRunner } from './local';
export { NetnsRunner } from './netns';
export { SshRunner, type SshRunnerOptions } from './ssh';
export { quoteShellArg, shellCommand } from './shell-quote';
export { sshFingerprint, normalizeFingerprint } from './fingerprint';
export { parsePing, type PingSummary } from './ping';
export { parseIpAddr } from './ip-addr';
