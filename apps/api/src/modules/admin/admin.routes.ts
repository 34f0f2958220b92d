/** /api/admin: what only admins may do (today: change a user's role). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roleChangeSchema, userSchema } from '@medichat/shared';
import { clientInfo, currentUserId, requireRole } from '../../plugins/app/auth.js';
import { presentUser, userIdParam } from '../users/index.js';

export const adminRoutes: FastifyPluginAsyncZod = async (app) => {
  const { roles } = app.services;

  app.patch(
    '/api/admin/users/:id/role',
    {
      preHandler: requireRole('admin'),
      schema: {
        tags: ['admin'],
        summary: "Change a user's role (admins only)",
        params: z.object({ id: userIdParam }),
        body: roleChangeSchema,
        response: { 200: userSchema },
      },
    },
    async (request) => {
      const user = await roles.changeRole(
        currentUserId(request),
        request.params.id,
        request.body.role,
        clientInfo(request),
      );
      return presentUser(user);
    },
  );
};
