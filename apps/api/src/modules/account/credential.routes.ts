/**
 * /api/users/me/pin and /api/users/me/password: changing the signed-in user's credentials. Each asks
 * for the password again and has the tighter sign-in rate limit (AUTH_RATE_LIMIT_MAX per window).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  changePasswordResultSchema,
  changePasswordSchema,
  noContentSchema,
  removePinSchema,
  setPinSchema,
} from '@medichat/shared';
import type { Config } from '../../config/config.js';
import { clientInfo, currentUserId, getPrincipal, requireUser } from '../../plugins/app/auth.js';

export const credentialRoutes: FastifyPluginAsyncZod<{ config: Config }> = async (app, { config }) => {
  const { credentials } = app.services;
  const authRateLimit = { max: config.auth.rateLimitMax, timeWindow: config.rateLimit.windowMs };
  const tags = ['users'];

  app.put(
    '/api/users/me/pin',
    {
      preHandler: requireUser,
      config: { rateLimit: authRateLimit },
      schema: {
        tags,
        summary: 'Set or change the 4–8 digit PIN (asks for the password again)',
        body: setPinSchema,
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      await credentials.setPin(currentUserId(request), request.body, clientInfo(request));
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/users/me/pin',
    {
      preHandler: requireUser,
      config: { rateLimit: authRateLimit },
      schema: {
        tags,
        summary: 'Remove the PIN (asks for the password again)',
        body: removePinSchema,
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      await credentials.removePin(currentUserId(request), request.body, clientInfo(request));
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/users/me/password',
    {
      preHandler: requireUser,
      config: { rateLimit: authRateLimit },
      schema: {
        tags,
        summary: 'Change the password (asks for the current one); every other device is signed out',
        body: changePasswordSchema,
        response: { 200: changePasswordResultSchema },
      },
    },
    async (request) => {
      const principal = getPrincipal(request);
      return credentials.changePassword(currentUserId(request), principal.sessionId, request.body, clientInfo(request));
    },
  );
};
