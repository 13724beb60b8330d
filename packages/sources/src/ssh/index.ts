export * from './source';
export { sshKind, SshSettings } from './kind';
export * from './identity';
