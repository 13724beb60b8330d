// Sign-in, first-run setup, sign-out and password change.
import { request, setCsrfToken } from './http';
import type { AuthState, SignedIn } from './types';

export async function fetchAuthState(): Promise<AuthState> {
  const s = await request<AuthState>('/api/v1/auth/state', { signIn: true });
  setCsrfToken(s.csrfToken);
  return s;
}

async function signIn(url: string, username: string, password: string): Promise<SignedIn> {
  const r = await request<SignedIn>(url, { method: 'POST', body: { username, password }, signIn: true });
  setCsrfToken(r.csrfToken);
  return r;
}

export const login = (username: string, password: string) => signIn('/api/v1/auth/login', username, password);
export const setup = (username: string, password: string) => signIn('/api/v1/auth/setup', username, password);

export async function logout(): Promise<void> {
  try {
    await request<null>('/api/v1/auth/logout', { method: 'POST', signIn: true });
  } finally {
    setCsrfToken(null);
  }
}

export function changePassword(currentPassword: string, newPassword: string): Promise<null> {
  return request<null>('/api/v1/auth/password', { method: 'POST', body: { currentPassword, newPassword }, signIn: true });
}

export const MIN_PASSWORD = 10;
