/**
 * Builds the identity services (accounts, sessions, cards, audit) once, from storage and config.
 * The auth plugin decorates the app with the result; the CLI builds its own from the same function.
 */
import type { Config } from '../../config/config.js';
import type { AuditDoc, ChatDoc, MedicalCardDoc, SessionDoc, UserDoc } from '../../engines/storage/collections.js';
import type { Collection } from '../../engines/storage/port.js';
import { FieldCipher } from '../../lib/crypto.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { CardRepository } from '../cards/card.repository.js';
import { CardService } from '../cards/card.service.js';
import { AccountService } from '../users/account.service.js';
import { UserRepository } from '../users/user.repository.js';
import { AuthService } from './auth.service.js';
import { PasswordHasher } from './password-hasher.js';
import { PinGuard } from './pin-guard.js';
import { SessionRepository } from './session.repository.js';
import { TokenService } from './token.service.js';

export interface IdentityStorage {
  users: Collection<UserDoc>;
  medicalCards: Collection<MedicalCardDoc>;
  sessions: Collection<SessionDoc>;
  auditLog: Collection<AuditDoc>;
  chats: Collection<ChatDoc>;
}

export interface Identity {
  tokens: TokenService;
  passwords: PasswordHasher;
  users: UserRepository;
  sessions: SessionRepository;
  audit: AuditRepository;
  cardRepository: CardRepository;
  /** The medical card; `forAssistant(userId)` gives the chat feature the card when its owner consents. */
  cards: CardService;
  accounts: AccountService;
  auth: AuthService;
}

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function createIdentity(input: {
  storage: IdentityStorage;
  config: Pick<Config, 'auth' | 'secrets' | 'emergencyNumber'>;
  now?: () => Date;
  log?: Logger;
}): Identity {
  const { storage, config, log } = input;
  const now = input.now ?? (() => new Date());
  const tokens = new TokenService(config.secrets.jwtSecret, config.auth.accessTokenTtlSeconds);
  const passwords = new PasswordHasher(config.auth.argon2);
  const users = new UserRepository(storage.users);
  const sessions = new SessionRepository(storage.sessions);
  const audit = new AuditRepository(storage.auditLog, now);
  const cardRepository = new CardRepository(storage.medicalCards, new FieldCipher(config.secrets.encryptionKeys));
  const cards = new CardService({ cards: cardRepository, audit, tokens, emergencyNumber: config.emergencyNumber, now });
  const accounts = new AccountService({
    users,
    cards: cardRepository,
    passwords,
    now,
    onCompensationFailure: (err, userId) =>
      log?.error({ err, userId }, 'account creation: the card failed and the user could not be removed again'),
  });
  const pins = new PinGuard({ users, passwords, audit, now });
  const auth = new AuthService({
    users,
    sessions,
    accounts,
    cards,
    pins,
    passwords,
    tokens,
    audit,
    chats: storage.chats,
    refreshTtlDays: config.auth.refreshTokenTtlDays,
    guestTtlHours: config.auth.guestSessionTtlHours,
    now,
    log,
  });
  return { tokens, passwords, users, sessions, audit, cardRepository, cards, accounts, auth };
}

/**
 * The first admin from config (ADMIN_EMAIL + ADMIN_PASSWORD), created once: when an account with
 * that email exists nothing changes (its password is never reset from config).
 */
export async function ensureBootstrapAdmin(
  identity: Pick<Identity, 'users' | 'accounts'>,
  admin: { email: string; password: string } | undefined,
  log?: Logger,
): Promise<'created' | 'exists' | 'skipped'> {
  if (!admin) return 'skipped';
  if (await identity.users.findByEmail(admin.email)) return 'exists';
  try {
    await identity.accounts.createAccount({
      email: admin.email,
      password: admin.password,
      displayName: 'Administrator',
      role: 'admin',
    });
  } catch (err) {
    if ((err as { type?: string }).type === 'weak_password') {
      throw new Error(`ADMIN_PASSWORD: ${(err as Error).message}`, { cause: err });
    }
    if ((err as { type?: string }).type === 'conflict') return 'exists'; // another instance won the race
    throw err;
  }
  log?.info({ email: admin.email }, 'created the first admin from ADMIN_EMAIL');
  return 'created';
}
