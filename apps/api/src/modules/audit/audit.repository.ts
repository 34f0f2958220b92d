/**
 * The audit log: who read or changed whose card or account, when, from where. Append-only; the
 * owner reads their own trail newest first (`audit_subjectId_createdAt`), a page at a time.
 */
import type { AuditAction } from '@medichat/shared';
import { v7 as uuidv7 } from 'uuid';
import type { Collection } from '../../engines/storage/port.js';
import type { AuditDoc } from '../../engines/storage/collections.js';

export type { AuditAction };

export interface AuditEvent {
  actorId: string;
  subjectId: string;
  action: AuditAction;
  ip?: string | null;
  userAgent?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface AuditCursor {
  createdAt: Date;
  id: string;
}

export class AuditRepository {
  constructor(
    private readonly log: Collection<AuditDoc>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(event: AuditEvent): Promise<AuditDoc> {
    const doc: AuditDoc = {
      id: uuidv7(),
      actorId: event.actorId,
      subjectId: event.subjectId,
      action: event.action,
      ip: event.ip ?? null,
      userAgent: event.userAgent ? event.userAgent.slice(0, 256) : null,
      detail: event.detail ?? null,
      createdAt: this.now(),
    };
    return this.log.insert(doc);
  }

  /**
   * The subject's trail, newest first; `before` continues after the last entry of a page.
   * `actions` keeps only those actions.
   */
  async listForSubject(
    subjectId: string,
    options: { limit: number; before?: AuditCursor; actions?: readonly AuditAction[] },
  ) {
    const items = await this.log.find(
      options.actions ? { subjectId, action: { in: [...options.actions] } } : { subjectId },
      {
        sort: [
          ['createdAt', -1],
          ['id', -1],
        ],
        limit: options.limit + 1,
        ...(options.before ? { after: { createdAt: options.before.createdAt, id: options.before.id } } : {}),
      },
    );
    const more = items.length > options.limit;
    const page = more ? items.slice(0, options.limit) : items;
    const last = page[page.length - 1];
    return { items: page, next: more && last ? { createdAt: last.createdAt, id: last.id } : null };
  }

  countFor(subjectId: string, action: AuditAction): Promise<number> {
    return this.log.count({ subjectId, action });
  }
}

export function encodeCursor(c: AuditCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt.getTime(), c.id])).toString('base64url');
}

export function decodeCursor(s: string): AuditCursor | null {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      typeof v[0] === 'number' &&
      Number.isFinite(v[0]) &&
      typeof v[1] === 'string' &&
      v[1].length <= 64
    ) {
      return { createdAt: new Date(v[0]), id: v[1] };
    }
  } catch {
    // fall through
  }
  return null;
}
