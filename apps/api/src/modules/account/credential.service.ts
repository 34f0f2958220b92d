/**
 * Credentials of a signed-in user: the password (change, asking for the current one again) and
 * the PIN (set or remove, asking for the password again). Sign-in with them is the session
 * service's; this file only changes them, and writes each change to the owner's audit trail.
 */
import { ProblemType } from '@medichat/shared';
import { AppError, unauthorized } from '../../lib/errors.js';
import type { ClientInfo } from '../../lib/principal.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { UserRepository } from '../users/user.repository.js';
import { weakPassword } from './account.service.js';
import type { PasswordHasher } from './password-hasher.js';
import { passwordProblems } from './password-policy.js';
import type { SessionRepository } from './session.repository.js';

type AuditAction = Parameters<AuditRepository['record']>[0]['action'];

export class CredentialService {
  constructor(
    private readonly deps: {
      users: Pick<UserRepository, 'get' | 'update'>;
      sessions: Pick<SessionRepository, 'findLiveRefresh' | 'revokeAllForUser'>;
      passwords: Pick<PasswordHasher, 'hash' | 'verify'>;
      audit: Pick<AuditRepository, 'record'>;
      now: () => Date;
    },
  ) {}

  // --- PIN ---------------------------------------------------------------------------------------

  async setPin(userId: string, input: { pin: string; password: string }, context: ClientInfo): Promise<void> {
    const user = await this.deps.users.get(userId);
    if (!user) throw unauthorized();
    if (!(await this.deps.passwords.verify(user.passwordHash, input.password))) {
      throw new AppError(ProblemType.invalidCredentials, 403, 'The password is not correct.');
    }
    const weak = weakPinReason(input.pin);
    if (weak)
      throw new AppError(ProblemType.validation, 400, `The PIN ${weak}.`, {
        errors: [{ path: 'body.pin', message: weak }],
      });
    const pinHash = await this.deps.passwords.hash(input.pin);
    await this.deps.users.update(userId, { pinHash, pinFailures: 0, pinLockedUntil: null }, this.deps.now());
    await this.audit(userId, 'pin.set', context);
  }

  /** Removes the PIN (asks for the password again): PIN sign-in stops, QR sign-in no longer asks for one. */
  async removePin(userId: string, input: { password: string }, context: ClientInfo): Promise<void> {
    const user = await this.deps.users.get(userId);
    if (!user) throw unauthorized();
    if (!(await this.deps.passwords.verify(user.passwordHash, input.password))) {
      throw new AppError(ProblemType.invalidCredentials, 403, 'The password is not correct.');
    }
    if (!user.pinHash) return; // nothing to remove: the same answer, nothing audited
    await this.deps.users.update(userId, { pinHash: null, pinFailures: 0, pinLockedUntil: null }, this.deps.now());
    await this.audit(userId, 'pin.removed', context);
  }

  // --- password ----------------------------------------------------------------------------------

  /**
   * Changes the password (the current one is asked for again). Every other device is signed out:
   * whoever knew the old password may hold a session. This device's session (the refresh session
   * `sessionId` belongs to, and the rest of its family) goes on.
   */
  async changePassword(
    userId: string,
    sessionId: string,
    input: { currentPassword: string; newPassword: string },
    context: ClientInfo,
  ): Promise<{ otherSessionsEnded: number }> {
    const user = await this.deps.users.get(userId);
    if (!user) throw unauthorized();
    if (!(await this.deps.passwords.verify(user.passwordHash, input.currentPassword))) {
      throw new AppError(ProblemType.invalidCredentials, 403, 'The current password is not correct.', {
        errors: [{ path: 'body.currentPassword', message: 'is not correct' }],
      });
    }
    const problems = passwordProblems(input.newPassword, { email: user.email });
    if (input.newPassword === input.currentPassword) problems.push('must differ from the current one');
    if (problems.length) throw weakPassword(problems, 'body.newPassword');
    const passwordHash = await this.deps.passwords.hash(input.newPassword);
    const now = this.deps.now();
    await this.deps.users.update(userId, { passwordHash }, now);
    const keepFamily = (await this.deps.sessions.findLiveRefresh(sessionId, userId))?.family;
    if (!keepFamily) throw unauthorized('The session has ended: sign in again.');
    const ended = await this.deps.sessions.revokeAllForUser(userId, now, keepFamily);
    await this.audit(userId, 'password.changed', context, { otherSessionsEnded: ended });
    return { otherSessionsEnded: ended };
  }

  private async audit(
    userId: string,
    action: AuditAction,
    context: ClientInfo,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.audit.record({
      actorId: userId,
      subjectId: userId,
      action,
      ip: context.ip,
      userAgent: context.userAgent,
      detail,
    });
  }
}

/** PINs anyone would try first: one digit repeated, or a straight run up or down. */
export function weakPinReason(pin: string): string | null {
  if (/^(\d)\1+$/.test(pin)) return 'must not be one digit repeated';
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => (d - digits[i]! + 10) % 10));
  if (steps.size === 1 && (steps.has(1) || steps.has(9))) return 'must not be a straight run such as 1234';
  return null;
}
