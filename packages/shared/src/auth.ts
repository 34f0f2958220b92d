/**
 * Sign-in, sign-up and session schemas. The server additionally refuses common passwords and a
 * password equal to the email (the list is too large for the web bundle); the web app shows the
 * server's field errors.
 */
import { z } from 'zod';
import { cardSchema } from './card.js';
import { displayNameSchema, emailSchema, userSchema } from './user.js';

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** Length counted in characters (code points), not UTF-16 units. */
export const passwordSchema = z
  .string()
  .refine((p) => [...p].length >= PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .refine((p) => [...p].length <= PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`)
  // JSON Schema counts code points, like the checks above.
  .meta({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX });

/** A login password: never re-checked against the policy (old accounts), only bounded. */
const loginPasswordSchema = z.string().min(1).max(1024);

export const pinSchema = z.string().regex(/^[0-9]{4,8}$/, 'must be 4 to 8 digits');

export const registerSchema = z
  .object({ email: emailSchema, password: passwordSchema, displayName: displayNameSchema.optional() })
  .strict();
export type RegisterInput = z.infer<typeof registerSchema>;

export const loginSchema = z.object({ email: emailSchema, password: loginPasswordSchema }).strict();
export type LoginInput = z.infer<typeof loginSchema>;

/**
 * PIN sign-in names the account by its email (a new device) or its user id (the device remembers
 * the last account). Either way the same lockout applies, and a wrong identifier answers exactly
 * like a wrong PIN.
 */
export const pinLoginByIdSchema = z
  .object({
    userId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a user id'),
    pin: z.string().min(1).max(16),
  })
  .strict();
export const pinLoginByEmailSchema = z.object({ email: emailSchema, pin: z.string().min(1).max(16) }).strict();
export const pinLoginSchema = z.union([pinLoginByIdSchema, pinLoginByEmailSchema]);
export type PinLoginInput = z.infer<typeof pinLoginSchema>;

export const qrLoginSchema = z
  .object({ qr: z.string().min(1).max(512), pin: z.string().min(1).max(16).optional() })
  .strict();
export type QrLoginInput = z.infer<typeof qrLoginSchema>;

export const setPinSchema = z.object({ pin: pinSchema, password: loginPasswordSchema }).strict();
export type SetPinInput = z.infer<typeof setPinSchema>;

/** Removing the PIN asks for the password again, like setting one. */
export const removePinSchema = z.object({ password: loginPasswordSchema }).strict();
export type RemovePinInput = z.infer<typeof removePinSchema>;

/** A new password meets the sign-up policy; the current one is only bounded (older accounts). */
export const changePasswordSchema = z
  .object({ currentPassword: loginPasswordSchema, newPassword: passwordSchema })
  .strict();
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;
export const changePasswordResultSchema = z.object({
  /** How many sessions on other devices were signed out. */
  otherSessionsEnded: z.number().int(),
});
export type ChangePasswordResult = z.infer<typeof changePasswordResultSchema>;

/**
 * What every sign-in answers. The refresh token is never in the body: it is an httpOnly cookie
 * (`medichat_refresh`, Path=/api/auth) the browser sends to `/api/auth/refresh` and `/logout`.
 */
export const sessionSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds until the access token expires; refresh a little before. */
  expiresIn: z.number().int(),
  user: userSchema,
});
export type Session = z.infer<typeof sessionSchema>;

export const registeredSchema = sessionSchema.extend({ card: cardSchema });
export type Registered = z.infer<typeof registeredSchema>;

/** A guest session: a bearer token for chatting without an account, until `expiresAt`. */
export const guestSessionSchema = z.object({
  guestToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresAt: z.string(),
});
export type GuestSession = z.infer<typeof guestSessionSchema>;

/** Response header carrying a guest token created on the fly (`ensurePrincipal` routes). */
export const GUEST_TOKEN_HEADER = 'x-guest-token';
