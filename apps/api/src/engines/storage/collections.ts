/**
 * Every collection Medichat stores, its document type and its indexes, each index next to the
 * query it serves. Both engines create exactly these at boot (idempotently).
 * A feature that needs a new collection adds its spec here and to `allCollections`.
 */
import type {
  Citation,
  MESSAGE_ROLES,
  MessageStatus,
  ModelEngineId,
  ModelKind,
  ModelStatus,
  Role,
  SafetyWarning,
} from '@medichat/shared';
import type { CollectionSpec } from './port.js';

// The enums the API shows are defined once, in @medichat/shared; re-exported for storage callers.
export type { MessageStatus, ModelKind, ModelStatus, Role };
export type ModelEngine = ModelEngineId;

export interface UserDoc {
  id: string;
  email: string;
  phone?: string | null;
  role: Role;
  displayName: string;
  passwordHash: string;
  pinHash?: string | null;
  /** Consecutive wrong PINs since the last good one. */
  pinFailures?: number;
  pinLockedUntil?: Date | null;
  selectedModelId?: string | null;
  avatarKey?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const users: CollectionSpec<UserDoc> = {
  name: 'users',
  fields: {
    email: 'string',
    phone: 'string',
    role: 'string',
    createdAt: 'date',
    updatedAt: 'date',
    pinLockedUntil: 'date',
    pinFailures: 'number',
  },
  indexes: [
    { name: 'users_email_unique', keys: [['email', 1]], unique: true, serves: 'login by email; one account per email' },
    {
      name: 'users_phone_unique',
      keys: [['phone', 1]],
      unique: true,
      sparse: true,
      serves: 'login by phone; phone optional',
    },
  ],
  // `userId unique` of SPEC is the primary key `id` (`_id` in MongoDB), unique by construction.
};

export interface MedicalCardDoc {
  id: string;
  userId: string;
  /** The card, encrypted field by field by the card service (ciphertext envelopes, never clear text). */
  data: Record<string, unknown>;
  /** Bumped on every QR regeneration: older QR tokens stop working at once. */
  qrVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export const medicalCards: CollectionSpec<MedicalCardDoc> = {
  name: 'medical_cards',
  fields: { userId: 'string', qrVersion: 'number', createdAt: 'date', updatedAt: 'date' },
  indexes: [
    { name: 'medical_cards_userId_unique', keys: [['userId', 1]], unique: true, serves: 'card at login / QR scan' },
  ],
};

export interface ChatDoc {
  id: string;
  /** Owner principal: a user id, or `guest:<sessionId>` for a guest chat. */
  userId: string;
  title: string;
  modelId?: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Guest chats expire with their guest session; user chats have none. */
  expiresAt?: Date | null;
}

export const chats: CollectionSpec<ChatDoc> = {
  name: 'chats',
  fields: { userId: 'string', title: 'string', createdAt: 'date', updatedAt: 'date', expiresAt: 'date' },
  indexes: [
    {
      name: 'chats_userId_updatedAt',
      keys: [
        ['userId', 1],
        ['updatedAt', -1],
      ],
      serves: "a user's chats, newest first (cursor by updatedAt, id)",
    },
    { name: 'chats_updatedAt', keys: [['updatedAt', -1]], serves: 'recently active chats (admin, sweeping)' },
    { name: 'chats_expiresAt', keys: [['expiresAt', 1]], sparse: true, serves: 'TTL of guest chats' },
  ],
  ttl: { field: 'expiresAt' },
};

/** What the API shows (`user`, `assistant`) plus `system`, which only the prompt builder writes. */
export type MessageRole = (typeof MESSAGE_ROLES)[number] | 'system';

export interface MessageDoc {
  id: string;
  chatId: string;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  /** Client-chosen id of a send, for idempotent retries (unique within a chat). */
  clientId?: string | null;
  /** The user message this assistant message answers. */
  replyTo?: string | null;
  audioKey?: string | null;
  model?: string | null;
  /** Milliseconds: queued, time to first token, total; and token counts. */
  timings?: Record<string, number> | null;
  triage?: string | null;
  error?: string | null;
  /** Medication-safety warnings on a reply (shared `SafetyWarning`). */
  safety?: SafetyWarning[] | null;
  /** Knowledge-base entries a reply was grounded on (shared `Citation`). */
  citations?: Citation[] | null;
  /** The token cap cut the reply. */
  truncated?: boolean | null;
  createdAt: Date;
  updatedAt?: Date;
}

export const messages: CollectionSpec<MessageDoc> = {
  name: 'messages',
  fields: {
    chatId: 'string',
    role: 'string',
    status: 'string',
    clientId: 'string',
    replyTo: 'string',
    createdAt: 'date',
  },
  indexes: [
    {
      name: 'messages_chatId_createdAt',
      // `id` closes the key so that equal timestamps page in a stable order without a sort in memory.
      keys: [
        ['chatId', 1],
        ['createdAt', 1],
        ['id', 1],
      ],
      serves: 'infinite scroll: messages of a chat by createdAt, both directions',
    },
    {
      name: 'messages_chatId_clientId_unique',
      keys: [
        ['chatId', 1],
        ['clientId', 1],
      ],
      unique: true,
      sparse: true,
      serves: 'idempotent send: one message per client id in a chat',
    },
  ],
};

export type SessionKind = 'guest' | 'refresh' | 'pin' | 'qr';

export interface SessionDoc {
  id: string;
  /** SHA-256 of the opaque token; the token itself is never stored. */
  token: string;
  kind: SessionKind;
  userId?: string | null;
  /** Refresh-token family: reuse of a rotated token revokes every session of the family. */
  family?: string | null;
  revokedAt?: Date | null;
  /** Set when a refresh token was rotated (single use). */
  usedAt?: Date | null;
  userAgent?: string | null;
  ip?: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export const sessions: CollectionSpec<SessionDoc> = {
  name: 'sessions',
  fields: {
    token: 'string',
    kind: 'string',
    userId: 'string',
    family: 'string',
    createdAt: 'date',
    expiresAt: 'date',
    revokedAt: 'date',
    usedAt: 'date',
  },
  indexes: [
    {
      name: 'sessions_token_unique',
      keys: [['token', 1]],
      unique: true,
      serves: 'look up a session by its token hash',
    },
    { name: 'sessions_expiresAt', keys: [['expiresAt', 1]], serves: 'TTL: reclaim expired sessions' },
    { name: 'sessions_family', keys: [['family', 1]], sparse: true, serves: 'revoke a refresh-token family' },
    { name: 'sessions_userId', keys: [['userId', 1]], sparse: true, serves: "a user's sessions (logout everywhere)" },
  ],
  ttl: { field: 'expiresAt' },
};

export interface ModelDoc {
  id: string;
  /** Unique display and lookup name, e.g. `smollm2-135m-instruct-q4_1`. */
  name: string;
  engine: ModelEngine;
  kind: ModelKind;
  /** Where it came from: `hf:<repo>`, `pypi:<package>`, `file:<path>`, or a remote URL. */
  source: string;
  /** Local path (GGUF file or ONNX model dir) or remote model id. */
  path: string;
  status: ModelStatus;
  baseModelId?: string | null;
  sizeBytes?: number | null;
  sha256?: string | null;
  /** Fine-tune job state: { state, progress (0..1), step, totalSteps, losses: [...], error }. */
  job?: Record<string, unknown> | null;
  metrics?: Record<string, number> | null;
  isDefault?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const models: CollectionSpec<ModelDoc> = {
  name: 'models',
  fields: {
    name: 'string',
    engine: 'string',
    kind: 'string',
    status: 'string',
    isDefault: 'boolean',
    createdAt: 'date',
    updatedAt: 'date',
  },
  indexes: [
    { name: 'models_name_unique', keys: [['name', 1]], unique: true, serves: 'model by name; one record per name' },
  ],
};

export interface AuditDoc {
  id: string;
  /** Who acted: a user id, `emergency` for an anonymous emergency-view reader, or `system`. */
  actorId: string;
  /** Whose data: the owner's user id. */
  subjectId: string;
  action: string;
  ip?: string | null;
  userAgent?: string | null;
  detail?: Record<string, unknown> | null;
  createdAt: Date;
}

export const auditLog: CollectionSpec<AuditDoc> = {
  name: 'audit_log',
  fields: { actorId: 'string', subjectId: 'string', action: 'string', createdAt: 'date' },
  indexes: [
    {
      name: 'audit_subjectId_createdAt',
      keys: [
        ['subjectId', 1],
        ['createdAt', -1],
      ],
      serves: 'the owner sees who read or changed their card, newest first',
    },
  ],
};

export interface NewsItemDoc {
  /** SHA-256 of the item's canonical link (else its guid): the same story from two feeds is one item. */
  id: string;
  feedUrl: string;
  /** The feed's title (where it is from). */
  source: string;
  title: string;
  link: string;
  /** Sanitised HTML (no scripts, no images, links rel=noopener). */
  summary: string;
  /** Primary language subtag (`en`, `de`). */
  lang: string;
  publishedAt: Date;
  fetchedAt: Date;
}

export const newsItems: CollectionSpec<NewsItemDoc> = {
  name: 'news_items',
  fields: { feedUrl: 'string', lang: 'string', publishedAt: 'date', fetchedAt: 'date' },
  indexes: [
    {
      name: 'news_items_lang_publishedAt',
      keys: [
        ['lang', 1],
        ['publishedAt', -1],
        ['id', -1],
      ],
      serves: 'the news card: newest items in a language (cursor by publishedAt, id)',
    },
  ],
};

export interface NewsFeedDoc {
  /** SHA-256 of the feed URL. */
  id: string;
  url: string;
  title?: string | null;
  etag?: string | null;
  lastModified?: string | null;
  lastFetchedAt?: Date | null;
  /** `ok`, `not-modified` or the error of the last fetch. */
  lastResult?: string | null;
  items?: number;
}

export const newsFeeds: CollectionSpec<NewsFeedDoc> = {
  name: 'news_feeds',
  fields: { url: 'string', lastFetchedAt: 'date' },
  indexes: [],
};

export const allCollections = [
  users,
  medicalCards,
  chats,
  messages,
  sessions,
  models,
  auditLog,
  newsItems,
  newsFeeds,
] as const;
