/**
 * Creating an account: the user and their medical card, together. There is no user without a
 * card: if the card cannot be written, the user just inserted is deleted again (compensation)
 * before the error goes on. Used by sign-up, the first admin from config (`ensureBootstrapAdmin`)
 * and `medichat admin create`.
 */
import { v7 as uuidv7 } from 'uuid';
import { DEFAULT_EMERGENCY_FIELDS, ProblemType, type Role } from '@medichat/shared';
import { ConflictError } from '../../engines/storage/errors.js';
import type { UserDoc } from '../../engines/storage/collections.js';
import { AppError, conflict } from '../../lib/errors.js';
import type { ServiceLog } from '../../lib/logger.js';
import { emptyCard, type CardRepository, type StoredCard } from '../cards/index.js';
import type { UserRepository } from '../users/user.repository.js';
import type { PasswordHasher } from './password-hasher.js';
import { passwordProblems } from './password-policy.js';

export const weakPassword = (problems: string[], path = 'body.password') =>
  new AppError(ProblemType.weakPassword, 400, `The password ${problems.join('; ')}.`, {
    errors: problems.map((message) => ({ path, message })),
  });

export const EMAIL_UNAVAILABLE = 'An account cannot be created with this email. If it is yours, sign in instead.';

export interface NewAccount {
  email: string;
  password: string;
  displayName?: string;
  role?: Role;
}

export class AccountService {
  constructor(
    private readonly deps: {
      users: UserRepository;
      cards: Pick<CardRepository, 'create'>;
      passwords: Pick<PasswordHasher, 'hash'>;
      now: () => Date;
      onCompensationFailure?: (err: unknown, userId: string) => void;
    },
  ) {}

  async createAccount(input: NewAccount): Promise<{ user: UserDoc; card: StoredCard }> {
    const email = input.email.trim().toLowerCase();
    const problems = passwordProblems(input.password, { email });
    if (problems.length) throw weakPassword(problems);
    // Hash before looking at the email, so a taken email answers no faster than a free one.
    const passwordHash = await this.deps.passwords.hash(input.password);
    const now = this.deps.now();
    const user: UserDoc = {
      id: uuidv7(),
      email,
      role: input.role ?? 'patient',
      displayName: input.displayName?.trim() || email.split('@')[0]!.slice(0, 100),
      passwordHash,
      pinHash: null,
      pinFailures: 0,
      pinLockedUntil: null,
      avatarKey: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.deps.users.insert(user);
    } catch (err) {
      if (err instanceof ConflictError) throw conflict(EMAIL_UNAVAILABLE, err);
      throw err;
    }
    try {
      const card = await this.deps.cards.create(user.id, emptyCard(DEFAULT_EMERGENCY_FIELDS), now);
      return { user, card };
    } catch (err) {
      try {
        await this.deps.users.delete(user.id);
      } catch (cleanupErr) {
        this.deps.onCompensationFailure?.(cleanupErr, user.id);
      }
      throw err;
    }
  }
}

/**
 * The first admin from config (ADMIN_EMAIL + ADMIN_PASSWORD), created once: when an account with
 * that email exists nothing changes (its password is never reset from config).
 */
export async function ensureBootstrapAdmin(
  deps: { users: Pick<UserRepository, 'findByEmail'>; accounts: Pick<AccountService, 'createAccount'> },
  admin: { email: string; password: string } | undefined,
  log?: Pick<ServiceLog, 'info'>,
): Promise<'created' | 'exists' | 'skipped'> {
  if (!admin) return 'skipped';
  if (await deps.users.findByEmail(admin.email)) return 'exists';
  try {
    await deps.accounts.createAccount({
      email: admin.email,
      password: admin.password,
      displayName: 'Administrator',
      role: 'admin',
    });
  } catch (err) {
    if ((err as { type?: string }).type === ProblemType.weakPassword) {
      throw new Error(`ADMIN_PASSWORD: ${(err as Error).message}`, { cause: err });
    }
    if ((err as { type?: string }).type === ProblemType.conflict) return 'exists'; // another instance won the race
    throw err;
  }
  log?.info({ email: admin.email }, 'created the first admin from ADMIN_EMAIL');
  return 'created';
}
