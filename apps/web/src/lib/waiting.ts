// What the first screen says while the sign-in state has not come: "Connecting…" at first; after a few
// seconds, or a failure, that the server cannot be reached (the query keeps retrying).
import { errorText, HttpError } from '../api/http';

/** how long "Connecting to the server…" may stand before the page says it cannot reach the server */
export const UNREACHABLE_AFTER_MS = 5000;

export function waitingText(failure: Error | null, late: boolean): string {
  if (failure instanceof HttpError) return `The server is not ready (${errorText(failure)}); still trying…`;
  if (failure || late) return 'The server cannot be reached; still trying…';
  return 'Connecting to the server…';
}
