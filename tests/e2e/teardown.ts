// Removes the run's fresh data directories (made in playwright.config.ts) once the run is over.
import { rmSync } from 'node:fs';

export default function teardown(): void {
  for (const name of ['E2E_QUORATE_DATA_DIR', 'E2E_QUORATE_SETUP_DATA_DIR']) {
    const dir = process.env[name];
    if (dir?.includes('quorate-e2e')) rmSync(dir, { recursive: true, force: true });
  }
}
