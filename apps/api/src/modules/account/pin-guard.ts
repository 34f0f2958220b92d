/**
 * PIN checks with lockout, shared by PIN login and QR login.
 *
 * - The first 4 wrong PINs are free; the 5th locks PIN sign-in for 1 minute, and every further
 *   wrong PIN (after the lock ends) locks it again for twice as long: 1, 2, 4, … minutes, capped
 *   at 24 hours. A right PIN resets the count. While locked: 423 `locked` with `retryAfter`.
 * - Each attempt first claims an attempt number atomically (compare-and-set on `pinFailures`,
 *   `inc` in the storage port), and the claim that reaches the limit sets the lock before the PIN
 *   is even checked: parallel guesses cannot slip past the limit.
 * - Unknown user ids and accounts without a PIN behave exactly like a wrong PIN (same 401 body, an
 *   argon2 check against a dummy hash for the same time, the same lockout, kept in memory for
 *   unknown ids), so the answers never tell whether an account exists.
 * - By email (a new device: `verifyByEmail`) the account's own counter is used, the same one the
 *   user id and the QR code count on, so switching the identifier buys no extra guesses. An email
 *   that is no account gets an in-memory counter of its own (like an unknown id): the same 401s,
 *   the same lock after the 5th, the same argon2 work. What this cannot hide: an account someone
 *   else already locked answers 423 to a first guess, and the in-memory counters of unknown ids and
 *   emails start over when the server restarts (the per-IP sign-in rate limit bounds both).
 * - Every failure and every lock is written to the owner's audit trail.
 */
import { ProblemType } from '@medichat/shared';
import type { UserDoc } from '../../engines/storage/collections.js';
import { AppError } from '../../lib/errors.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { UserRepository } from '../users/user.repository.js';
import type { PasswordHasher } from './password-hasher.js';

export const PIN_FREE_ATTEMPTS = 5;
const MINUTE = 60_000;
const MAX_LOCK_MS = 24 * 60 * MINUTE;
const MAX_CLAIM_ROUNDS = 64;
const UNKNOWN_IDS_MAX = 10_000;

/** Lock duration after the `failures`-th consecutive wrong PIN (0 below the limit). */
export function lockDurationMs(failures: number): number {
  if (failures < PIN_FREE_ATTEMPTS) return 0;
  return Math.min(MAX_LOCK_MS, MINUTE * 2 ** Math.min(failures - PIN_FREE_ATTEMPTS, 20));
}

export const pinRejected = (by: 'id' | 'email' = 'id') =>
  new AppError(
    ProblemType.invalidCredentials,
    401,
    `The ${by === 'email' ? 'email' : 'user id'} or PIN is not correct.`,
    {
      headers: { 'www-authenticate': 'Bearer' },
    },
  );

export const pinLocked = (until: Date, now: Date) =>
  new AppError(
    ProblemType.locked,
    423,
    'PIN sign-in is locked for a while after too many wrong PINs; sign in with your password or wait.',
    {
      retryAfter: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)),
    },
  );

export interface PinAttemptContext {
  via: 'pin' | 'qr';
  ip?: string | null;
  userAgent?: string | null;
}

export class PinGuard {
  /** Lockout state for ids that are no account, so they answer like real ones. */
  private readonly unknown = new Map<string, { failures: number; lockedUntil: number }>();

  constructor(
    private readonly deps: {
      users: UserRepository;
      passwords: Pick<PasswordHasher, 'verify' | 'verifyDummy'>;
      audit: AuditRepository;
      now: () => Date;
    },
  ) {}

  /** The account with this email when `pin` is right; otherwise 401 (wrong email or PIN) or 423 (locked). */
  async verifyByEmail(email: string, pin: string, context: PinAttemptContext): Promise<UserDoc> {
    const normalized = email.trim().toLowerCase();
    const user = await this.deps.users.findByEmail(normalized);
    if (!user) return this.unknownAttempt(`email:${normalized}`, pin, 'email');
    return this.verify(user.id, pin, context, 'email');
  }

  /** The user when `pin` is right; otherwise throws 401 (wrong) or 423 (locked). */
  async verify(userId: string, pin: string, context: PinAttemptContext, by: 'id' | 'email' = 'id'): Promise<UserDoc> {
    let user = await this.deps.users.get(userId);
    if (!user) return this.unknownAttempt(userId, pin, by);
    if (user.pinFailures === undefined || user.pinFailures === null) {
      await this.deps.users.initPinCounter(user.id);
      user = await this.deps.users.get(userId);
      if (!user) return this.unknownAttempt(userId, pin, by);
    }

    let attempt = 0;
    let lockUntil: Date | null = null;
    for (let round = 0; ; round++) {
      const now = this.deps.now();
      if (user.pinLockedUntil && user.pinLockedUntil.getTime() > now.getTime())
        throw pinLocked(user.pinLockedUntil, now);
      if (round >= MAX_CLAIM_ROUNDS) throw pinLocked(new Date(now.getTime() + 1000), now);
      const expected = user.pinFailures ?? 0;
      attempt = expected + 1;
      const lockMs = lockDurationMs(attempt);
      lockUntil = lockMs ? new Date(now.getTime() + lockMs) : null;
      const claimed = await this.deps.users.claimPinAttempt(user.id, expected, lockUntil);
      if (claimed) {
        user = claimed;
        break;
      }
      const fresh = await this.deps.users.get(userId);
      if (!fresh) return this.unknownAttempt(userId, pin, by);
      user = fresh;
    }

    const ok = user.pinHash
      ? await this.deps.passwords.verify(user.pinHash, pin)
      : await this.deps.passwords.verifyDummy(pin);
    if (ok) {
      return (await this.deps.users.resetPinCounter(user.id)) ?? user;
    }
    await this.deps.audit.record({
      actorId: 'anonymous',
      subjectId: user.id,
      action: 'pin.failed',
      ip: context.ip,
      userAgent: context.userAgent,
      detail: { via: context.via, attempt, hasPin: Boolean(user.pinHash) },
    });
    if (lockUntil) {
      await this.deps.audit.record({
        actorId: 'system',
        subjectId: user.id,
        action: 'pin.locked',
        ip: context.ip,
        userAgent: context.userAgent,
        detail: { via: context.via, attempt, until: lockUntil.toISOString() },
      });
    }
    throw pinRejected(by);
  }

  /** `key` is an unknown user id, or `email:<address>`; unknown ids and emails never share a counter. */
  private async unknownAttempt(key: string, pin: string, by: 'id' | 'email'): Promise<never> {
    const now = this.deps.now().getTime();
    let state = this.unknown.get(key);
    if (state && state.lockedUntil > now) throw pinLocked(new Date(state.lockedUntil), new Date(now));
    if (!state) {
      if (this.unknown.size >= UNKNOWN_IDS_MAX) this.unknown.delete(this.unknown.keys().next().value!);
      state = { failures: 0, lockedUntil: 0 };
      this.unknown.set(key, state);
    }
    // Claimed synchronously (one event-loop turn), so parallel guesses get distinct numbers here too.
    state.failures += 1;
    const lockMs = lockDurationMs(state.failures);
    if (lockMs) state.lockedUntil = now + lockMs;
    await this.deps.passwords.verifyDummy(pin);
    throw pinRejected(by);
  }
}
