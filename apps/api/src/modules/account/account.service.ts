/**
 * Creating an account: the user and their medical card, together. There is no user without a
 * card, even across a crash (kill -9, power loss) at any instant: the card is written FIRST and the
 * user second, and the account exists (can sign in, is acknowledged) only once the user is written.
 * A crash between the two leaves a card nobody owns, invisible to every route; `repairHalfWritten`
 * (run at boot) deletes such cards once they are older than any registration in flight. If the user
 * cannot be written (email taken, storage error) the card is deleted again before the error goes on.
 * Ordered writes rather than a transaction, because the same holds on every engine (SQLite, MongoDB
 * with or without replica-set transactions, FerretDB) and the storage port's writes are per document. Used by sign-up, the first admin from config (`ensureBootstrapAdmin`)
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
      cards: Pick<CardRepository, 'create' | 'deleteByUserId' | 'createdBetween'>;
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
    const card = await this.deps.cards.create(user.id, emptyCard(DEFAULT_EMERGENCY_FIELDS), now);
    try {
      await this.deps.users.insert(user);
    } catch (err) {
      try {
        await this.deps.cards.deleteByUserId(user.id);
      } catch (cleanupErr) {
        this.deps.onCompensationFailure?.(cleanupErr, user.id);
      }
      if (err instanceof ConflictError) throw conflict(EMAIL_UNAVAILABLE, err);
      throw err;
    }
    return { user, card };
  }

  /**
   * Deletes cards whose user was never written (a crash between the two writes of createAccount)
   * created in the `windowMs` before the last `graceMs` (so a registration still in flight on
   * another instance is left alone, and a boot reads a bounded number of cards). Returns how many
   * were removed.
   */
  async repairHalfWritten(graceMs = 10 * 60_000, windowMs = 7 * 24 * 3600_000): Promise<number> {
    const to = new Date(this.deps.now().getTime() - graceMs);
    const from = new Date(to.getTime() - windowMs);
    let removed = 0;
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const batch = await this.deps.cards.createdBetween(from, to, 500, after);
      for (const card of batch) {
        if (!(await this.deps.users.get(card.userId))) removed += await this.deps.cards.deleteByUserId(card.userId);
      }
      const last = batch.at(-1);
      if (!last || batch.length < 500) return removed;
      after = { createdAt: last.createdAt, id: last.id };
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
