// Login sessions as the session part (sql/sessions.ts) gives them. The cookie carries a random 32-byte id;
// only its SHA-256 is stored, so a copy of the database does not let anyone ride an existing session.
import { z } from 'zod';
import type { User } from './users';

export type NewSession = { id: string; csrfToken: string; expiresAt: number };
export type Session = { user: User; csrfToken: string; expiresAt: number };

export const Ttl = z.number().int().min(1000, 'session ttl must be at least 1 s');
