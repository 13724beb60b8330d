// The sign-in, setup and password forms' rules (react-hook-form validates with these through
// @hookform/resolvers' zod resolver). zod/mini, in the lazy chunks of those pages only.
import * as z from 'zod/mini';
import { MIN_PASSWORD } from '../api/auth';

/** a new password: long enough, with the count so far */
export function newPassword(what: string) {
  return z.string().check(
    z.minLength(MIN_PASSWORD, {
      error: (iss) => `${what} needs at least ${MIN_PASSWORD} characters (${typeof iss.input === 'string' ? iss.input.length : 0} so far).`,
    }),
  );
}

/** the repeat field must equal the password field; the message goes to the repeat field */
export function sameAs<T extends Record<string, unknown>>(field: keyof T & string, repeat: keyof T & string, message: string) {
  return z.refine<T>((v) => v[field] === v[repeat], { message, path: [repeat] });
}

export const LoginForm = z.object({
  username: z.string().check(z.trim(), z.minLength(1, 'Enter your username.')),
  password: z.string().check(z.minLength(1, 'Enter your password.')),
});
export type LoginForm = z.output<typeof LoginForm>;

export const SetupForm = z
  .object({
    username: z.string().check(z.trim(), z.minLength(1, 'Enter a username.'), z.maxLength(64, 'At most 64 characters.'), z.regex(/^[a-zA-Z0-9._@-]*$/, 'Letters, digits and . _ @ - only.')),
    password: newPassword('The password'),
    repeat: z.string(),
  })
  .check(sameAs('password', 'repeat', 'The two passwords differ.'));
export type SetupForm = z.output<typeof SetupForm>;

export const PasswordForm = z
  .object({
    current: z.string().check(z.minLength(1, 'Enter your current password.')),
    next: newPassword('The new password'),
    repeat: z.string(),
  })
  .check(sameAs('next', 'repeat', 'The two new passwords differ.'));
export type PasswordForm = z.output<typeof PasswordForm>;
