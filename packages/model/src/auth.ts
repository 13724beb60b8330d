// Who is asking: sign-in, users, API tokens and admin settings (REST /api/v1/auth, /users, /tokens,
// /settings). Shared by the BFF (which validates every request with these) and the web app.
import { z } from 'zod';

/** ordered: each role can do everything the one before it can */
export const Role = z.enum(['viewer', 'operator', 'admin']);
export type Role = z.infer<typeof Role>;
export const ROLES: readonly Role[] = Role.options;

export { hasRole } from './roles';

export const Username = z
  .string()
  .min(1, 'username must not be empty')
  .max(64, 'username must be at most 64 characters')
  .regex(/^[a-zA-Z0-9._@-]+$/, 'username may contain only letters, digits and . _ @ -');

/**
 * The one form a password is hashed and compared in: NFC, so the same password typed on different
 * keyboards/OSes (precomposed é or e + combining accent) is the same password.
 */
export const normalizePassword = (password: string): string => password.normalize('NFC');

/** a lone (unpaired) UTF-16 surrogate: not text; every one becomes U+FFFD when encoded as UTF-8 */
const LONE_SURROGATE = /\p{Cs}/u;
/** false for text UTF-8 cannot carry faithfully (lone surrogates: different inputs would hash the same) */
export const wellFormedPassword = (password: string): boolean => !LONE_SURROGATE.test(password);

/**
 * A new password: valid Unicode text without NUL, normalised to NFC (the value parsed is the NFC form),
 * then 10 to 1024 characters.
 */
export const Password = z
  .string()
  .max(1024, 'password must be at most 1024 characters')
  .refine(wellFormedPassword, 'password must be valid Unicode text (no lone surrogate)')
  .refine((s) => !s.includes('\u0000'), 'password must not contain NUL')
  .transform(normalizePassword)
  .pipe(z.string().min(10, 'password must be at least 10 characters').max(1024, 'password must be at most 1024 characters'));

/** the signed-in user as the browser sees it */
export const SessionUser = z.object({ id: z.string(), username: z.string(), role: Role });
export type SessionUser = z.infer<typeof SessionUser>;

/** GET /api/v1/auth/state (public) */
export const AuthState = z.object({
  setupRequired: z.boolean(),
  user: SessionUser.nullable(),
  csrfToken: z.string().nullable(),
});
export type AuthState = z.infer<typeof AuthState>;

/** POST /api/v1/auth/setup (only while no user exists) */
export const SetupRequest = z.object({ username: Username, password: Password }).strict();
export type SetupRequest = z.infer<typeof SetupRequest>;

/** POST /api/v1/auth/login: only shape limits here, so a wrong password is a 401, not a 400 */
export const LoginRequest = z
  .object({ username: z.string().min(1, 'username must not be empty').max(64), password: z.string().min(1, 'password must not be empty').max(1024) })
  .strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

/** answer of setup and login (the session cookie comes with it) */
export const SignedIn = z.object({ user: SessionUser, csrfToken: z.string() });
export type SignedIn = z.infer<typeof SignedIn>;

/** POST /api/v1/auth/password -> 204; every other session of the user is signed out */
export const PasswordChange = z
  .object({ currentPassword: z.string().min(1, 'currentPassword must not be empty').max(1024), newPassword: Password })
  .strict();
export type PasswordChange = z.infer<typeof PasswordChange>;

/** 429 of login (also carries Retry-After) */
export const TooManyAttempts = z.object({ error: z.string(), retryAfterS: z.number().int().min(1) });
export type TooManyAttempts = z.infer<typeof TooManyAttempts>;

/** request header carrying the session's CSRF token on every state-changing call made with the cookie */
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_COOKIE = 'quorate_session';

// ---------------------------------------------------------------- users (admin)

export const UserId = z.uuid('a user id (UUID)');
export const UserRecord = z.object({ id: z.string(), username: z.string(), role: Role, createdAt: z.number(), updatedAt: z.number() });
export type UserRecord = z.infer<typeof UserRecord>;
export const UserList = z.object({ users: z.array(UserRecord) });
export type UserList = z.infer<typeof UserList>;

/** POST /api/v1/users -> 201 {user} */
export const NewUserRequest = z.object({ username: Username, password: Password, role: Role }).strict();
export type NewUserRequest = z.infer<typeof NewUserRequest>;

/** PATCH /api/v1/users/:id -> {user}; a new password signs the user out everywhere */
export const UserPatch = z
  .object({ role: Role.optional(), password: Password.optional() })
  .strict()
  .refine((p) => p.role !== undefined || p.password !== undefined, { message: 'change at least one of role, password' });
export type UserPatch = z.infer<typeof UserPatch>;


// ---------------------------------------------------------------- API tokens (admin)

export const TokenId = z.string().regex(/^tok_[0-9a-f]{16}$/, 'a token id (tok_ and 16 hex digits)');
export const TokenName = z
  .string()
  .min(1, 'token name must not be empty')
  .max(64, 'token name must be at most 64 characters')
  .regex(/^[^\p{Cc}]+$/u, 'token name must not contain control characters');

export const TokenRecord = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  createdBy: z.string(),
  /** registered from the environment (QUORATE_API_TOKEN) at every start */
  static: z.boolean(),
});
export type TokenRecord = z.infer<typeof TokenRecord>;
export const TokenList = z.object({ tokens: z.array(TokenRecord) });
export type TokenList = z.infer<typeof TokenList>;

/** POST /api/v1/tokens -> 201 CreatedToken: the token is shown this once */
export const NewTokenRequest = z.object({ name: TokenName, role: Role }).strict();
export type NewTokenRequest = z.infer<typeof NewTokenRequest>;
export const CreatedToken = z.object({ id: z.string(), token: z.string() });
export type CreatedToken = z.infer<typeof CreatedToken>;

// ---------------------------------------------------------------- settings (admin)

/** GET /api/v1/settings/retention; prune runs on a timer and after every change */
export const RetentionSettings = z.object({
  events: z.object({ maxAgeDays: z.number().int().min(1), maxPerCluster: z.number().int().min(1) }),
  audit: z.object({ maxAgeDays: z.number().int().min(1) }),
  /** time travel: whole keyframe spans older than maxAgeDays, or beyond maxMbPerCluster (stored, deflated), go */
  timeline: z.object({ maxAgeDays: z.number().int().min(1), maxMbPerCluster: z.number().int().min(1) }),
});
export type RetentionSettings = z.infer<typeof RetentionSettings>;

/** PUT /api/v1/settings/retention: any subset; the rest is kept */
export const RetentionUpdate = z
  .object({
    events: z
      .object({ maxAgeDays: z.number().int().min(1).max(36_500).optional(), maxPerCluster: z.number().int().min(1).max(100_000_000).optional() })
      .strict()
      .optional(),
    audit: z.object({ maxAgeDays: z.number().int().min(1).max(36_500).optional() }).strict().optional(),
    timeline: z
      .object({ maxAgeDays: z.number().int().min(1).max(3_650).optional(), maxMbPerCluster: z.number().int().min(1).max(1_048_576).optional() })
      .strict()
      .optional(),
  })
  .strict();
export type RetentionUpdate = z.infer<typeof RetentionUpdate>;
