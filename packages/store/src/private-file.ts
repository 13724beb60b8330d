// Refuse key material that other local users can read: the same rule ssh applies to private keys.
import { statSync } from 'node:fs';
import { StoreError } from './errors';

/**
 * Throws StoreError unless path is a regular file with no group/other permission bits
 * (mode & 0o077 === 0). Follows symlinks: the permissions that matter are the target's.
 */
export function checkPrivateFile(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreError('not-found', `key file ${path} does not exist`);
    throw e;
  }
  if (!st.isFile()) throw new StoreError('insecure-file', `key file ${path} is not a regular file`);
  const loose = st.mode & 0o077;
  if (loose !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
    throw new StoreError(
      'insecure-file',
      `key file ${path} is accessible by group or others (mode ${mode}); refusing to use it. Fix with: chmod 600 ${path}`,
    );
  }
}
