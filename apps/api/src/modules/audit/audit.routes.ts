/**
 * GET /api/users/me/audit: the owner's trail (who read or changed their card, sign-ins, PIN locks).
 * `kind=views` lists only others' views of the emergency page (and refused old QR codes),
 * `kind=account` everything else,
 * so the page can show views first and apart from the owner's own sign-ins.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AUDIT_ACCOUNT_ACTIONS,
  AUDIT_VIEW_ACTIONS,
  auditPageSchema,
  auditQuerySchema,
  type AuditEntry,
} from '@medichat/shared';
import type { AuditDoc } from '../../engines/storage/collections.js';
import { badRequest } from '../../lib/errors.js';
import { currentUserId, requireUser } from '../../plugins/app/auth.js';
import { decodeCursor, encodeCursor } from './audit.repository.js';

function present(doc: AuditDoc, ownerId: string): AuditEntry {
  return {
    id: doc.id,
    action: doc.action,
    actor: doc.actorId === ownerId ? 'self' : doc.actorId,
    ip: doc.ip ?? null,
    userAgent: doc.userAgent ?? null,
    detail: doc.detail ?? null,
    createdAt: doc.createdAt.toISOString(),
  };
}

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/users/me/audit',
    {
      preHandler: requireUser,
      schema: {
        tags: ['users'],
        summary:
          'Your audit trail, newest first (cursor-paginated with `before`); `kind=views`: only responders’ views of your card, `kind=account`: the rest',
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema },
      },
    },
    async (request, reply) => {
      const userId = currentUserId(request);
      const before = request.query.before ? decodeCursor(request.query.before) : undefined;
      if (before === null) throw badRequest('The cursor is not valid.');
      const { kind, limit } = request.query;
      const page = await app.services.audit.listForSubject(userId, {
        limit,
        before,
        ...(kind === 'views'
          ? { actions: AUDIT_VIEW_ACTIONS }
          : kind === 'account'
            ? { actions: AUDIT_ACCOUNT_ACTIONS }
            : {}),
      });
      reply.header('cache-control', 'no-store');
      return {
        items: page.items.map((d) => present(d, userId)),
        nextCursor: page.next ? encodeCursor(page.next) : null,
      };
    },
  );
};
