// API tokens for scripts, their shapes and rules (the token part: sql/tokens.ts): "qrt_" + 32 random bytes,
// shown once; only the SHA-256 is stored. SHA-256 (not scrypt) is enough here: the token has 256 bits of
// entropy, so there is nothing to guess.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Role, TokenName, TokenRecord, hasRole } from '@quorate/model';

export { TokenName };

export const TOKEN_PREFIX = 'qrt_';

export const NewToken = z.object({ name: TokenName, role: Role, createdBy: z.string().min(1).max(128) });
export type NewToken = z.input<typeof NewToken>;

/** What list() shows: never the token or its hash (the REST shape, from the model). */
export const ApiTokenInfo = TokenRecord;
export type ApiTokenInfo = z.infer<typeof ApiTokenInfo>;

export type TokenIdentity = { id: string; name: string; role: Role };

/**
 * created_by of a token another token created: the creating token's id (a username has no ':'), so
 * revoking a token can find what it made. A user's tokens carry the username.
 */
export const tokenCreator = (tokenId: string): string => `token:${tokenId}`;

/** a token revoked along with its creator: what the audit trail and the caller need to know */
export type RevokedToken = { id: string; name: string; role: Role; createdBy: string };

/** An environment-provided token must still be hard to guess. */
export const StaticToken = z.string().min(16, 'QUORATE_API_TOKEN must be at least 16 characters').max(512);

// last_used_at is informational; refresh it at most once a minute instead of on every request
export const LAST_USED_RESOLUTION_MS = 60_000;

/** `role` grants more than `than` */
export const isAbove = (role: Role, than: Role): boolean => hasRole(role, than) && role !== than;

/** a new token's id */
export const newTokenId = (): string => `tok_${randomBytes(8).toString('hex')}`;
