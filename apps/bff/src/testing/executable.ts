// Whether a system tool the tests drive (nginx, redis-server, …) is installed: scripts/test.sh installs them as root.
import { accessSync, constants } from 'node:fs';

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
