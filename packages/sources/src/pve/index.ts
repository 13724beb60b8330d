export { pveKind, PveSettings, PveApiSettings, transportFor } from './kind';
export { PveSource, observeOnce, DEFAULT_INTERVALS, type PveIntervals } from './source';
export { PveClient, errorText, privilegeFor } from './client';
export { buildSnapshot, type PveReplies } from './build';
export { HttpsTransport, ReplayTransport, PveError, probeCertificate, fingerprintOf, normalizeFingerprint as normalizePveFingerprint, replayFileName, tokenAuthorizer, type PveReply, type PveTransport, type Trust, type PresentedCertificate } from './transport';
export { testConnection, type ConnectResult, type ConnectStep, type ConnectCertificate } from './connect-test';
export { PveSshSettings, sshClusterConfig } from './ssh-settings';
export { PveWithCorosync } from './with-corosync';
export { mergeCorosync } from './merge';
