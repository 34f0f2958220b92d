/**
 * Accounts as clients see them. The API never sends a password hash, PIN hash or lockout state;
 * `hasPin` tells the web app whether to offer PIN login and to ask for the PIN after a QR scan.
 */
import { z } from 'zod';

export const ROLES = ['patient', 'clinician', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Who is calling: an account's role, or `guest` for a guest session. */
export const principalRoleSchema = z.enum([...ROLES, 'guest']);
export type PrincipalRole = z.infer<typeof principalRoleSchema>;

/** Trimmed, lower-cased, at most 254 characters (RFC 5321), a plausible address. */
export const emailSchema = z.string().trim().toLowerCase().max(254).check(z.email('must be an email address'));

/**
 * Characters a name never holds: NUL and other C0/C1 controls, bidi overrides and isolates (which
 * can make a name read as something else), zero-width characters and the BOM, and lone surrogates.
 */
const FORBIDDEN_IN_NAMES =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Trimmed, NFC-normalised, 1–100 characters, none of FORBIDDEN_IN_NAMES. */
/**
 * FORBIDDEN_IN_NAMES as a JSON Schema pattern: none of those characters, at least one of them not
 * blank. Lone surrogates are left out: JSON Schema tools (Python's `re`) cannot use that range, and
 * they never generate lone surrogates.
 */
const NAME_FORBIDDEN = String.raw`\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff`;
const NAME_PATTERN = `^[^${NAME_FORBIDDEN}]*[^\\s${NAME_FORBIDDEN}][^${NAME_FORBIDDEN}]*$`;

export const displayNameSchema = z
  .string()
  .max(100)
  .refine((v) => !FORBIDDEN_IN_NAMES.test(v), 'must not contain control, bidi-override or zero-width characters')
  .transform((v) => v.normalize('NFC').trim())
  .pipe(z.string().min(1).max(100))
  // The document's version of the checks above: 1–100 characters, none of them forbidden, one not blank.
  .meta({ minLength: 1, maxLength: 100, pattern: NAME_PATTERN });

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  displayName: z.string(),
  /** Public, unguessable URL of the avatar (usable by `<img>` without a header), or null. */
  avatarUrl: z.string().nullable(),
  hasPin: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const roleChangeSchema = z.object({ role: roleSchema }).strict();
export type RoleChange = z.infer<typeof roleChangeSchema>;

/** Every action the audit log records; the web app labels each one (a missing label fails to compile). */
export const AUDIT_ACTIONS = [
  'account.created',
  'auth.login',
  'auth.login_failed',
  'auth.refresh_reuse',
  'auth.logout_all',
  'guest.claimed',
  'pin.set',
  'pin.removed',
  'password.changed',
  'pin.failed',
  'pin.locked',
  'qr.regenerated',
  'qr.refused',
  'card.updated',
  'card.emergency_view',
  'avatar.updated',
  'avatar.deleted',
  'role.changed',
  'model.default_changed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One entry of the owner's audit trail: who read or changed their card, when, from where. */
export const auditEntrySchema = z.object({
  id: z.string(),
  /** An AuditAction; the wire type stays a string so a newer server's action never breaks an older page. */
  action: z.string(),
  /** `self`, `emergency` (anonymous emergency-view reader), `system`, or the acting user's id. */
  actor: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  /** Pass as `before` to get the next (older) page; null at the end. */
  nextCursor: z.string().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

/**
 * Which part of the trail: `views` — responders' views of the emergency page (after a QR scan),
 * `account` — everything else (sign-ins, changes, PIN locks), `all` (the default) — both.
 */
export const AUDIT_KINDS = ['all', 'views', 'account'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];
/** The actions `kind=views` lists: someone else reading the card, or trying an old QR code. */
export const AUDIT_VIEW_ACTIONS = ['card.emergency_view', 'qr.refused'] as const satisfies readonly AuditAction[];
/** The actions `kind=account` lists: all the others. */
export const AUDIT_ACCOUNT_ACTIONS: readonly AuditAction[] = AUDIT_ACTIONS.filter(
  (a) => !(AUDIT_VIEW_ACTIONS as readonly string[]).includes(a),
);

export const auditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    kind: z.enum(AUDIT_KINDS).default('all'),
    before: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor')
      .optional(),
  })
  .strict();
