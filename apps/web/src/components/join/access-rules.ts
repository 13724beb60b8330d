// The model's JoinerAccess and Credentials (join/requests.ts) in zod/mini, with the same rules and words: the
// model's full-zod schemas would pull zod's classic layer into the chunks the first page load preloads (+12 KB
// gzip, over the 125 KB budget — as names.ts and join-info.ts say). access-rules.test.ts holds the two to the
// same answers; the BFF judges again with the model's.
import * as z from 'zod/mini';

export const PASSWORD_MAX = 128;
const Password = z.string().check(z.minLength(1, 'the password is empty'), z.maxLength(PASSWORD_MAX, `a password has at most ${PASSWORD_MAX} characters`));
const Otp = z.string().check(z.trim(), z.regex(/^\d{6,8}$/, 'a TOTP code: 6 to 8 digits'));
const Fingerprint = z.string().check(z.trim(), z.regex(/^([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}$/, 'a SHA-256 fingerprint: 32 bytes as colon hex, AB:CD:…'), z.toUpperCase());

export const CredentialsRule = z.strictObject({ password: Password, otp: z.optional(Otp) });
export type CredentialsValue = z.output<typeof CredentialsRule>;

export const JoinerAccessRule = z.strictObject({
  url: z.url({ protocol: /^https$/, error: 'the node\'s API address: https://host:8006' }).check(z.maxLength(2048)),
  fingerprint: z.optional(Fingerprint),
  password: Password,
  otp: z.optional(Otp),
});
export type JoinerAccessValue = z.output<typeof JoinerAccessRule>;
