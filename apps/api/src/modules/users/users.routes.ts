/**
 * /api/users: the signed-in person's profile and card, PIN, avatar; the public avatar URL; and
 * /api/admin/users/:id/role for admins.
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  avatarResponseSchema,
  changePasswordResultSchema,
  changePasswordSchema,
  profilePatchSchema,
  profileSchema,
  removePinSchema,
  roleChangeSchema,
  setPinSchema,
  userSchema,
} from '@medichat/shared';
import type { Config } from '../../config/config.js';
import { AppError, badRequest, notFound } from '../../lib/errors.js';
import { clientInfo, currentUserId, getPrincipal, requireRole, requireUser } from '../auth/auth.plugin.js';
import { AVATAR_KEY, AvatarService } from './avatar.service.js';
import { ProfileService } from './profile.service.js';
import { avatarPath, presentUser } from './user.presenter.js';

const userIdParam = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a user id');

export const userRoutes: FastifyPluginAsyncZod<{ config: Config }> = async (app, { config }) => {
  const { identity } = app;
  const now = () => new Date();
  const profiles = new ProfileService({ users: identity.users, cards: identity.cards, now });
  const avatars = new AvatarService({ users: identity.users, blobs: app.blobs, audit: identity.audit, now });
  const authRateLimit = { max: config.auth.rateLimitMax, timeWindow: config.rateLimit.windowMs };
  const tags = ['users'];

  // Avatars arrive as multipart (field `file`) or as a raw image body; only on these routes.
  await app.register(multipart, { limits: { fileSize: config.avatarMaxBytes, files: 1, fields: 0, parts: 2 } });
  app.addContentTypeParser(
    ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: config.avatarMaxBytes },
    (_request, body, done) => done(null, body),
  );

  app.get(
    '/api/users/me',
    {
      preHandler: requireUser,
      schema: { tags, summary: 'Profile and medical card', response: { 200: profileSchema } },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return profiles.get(currentUserId(request));
    },
  );

  app.patch(
    '/api/users/me',
    {
      preHandler: requireUser,
      schema: {
        tags,
        summary: 'Update profile and card (null clears a field; BMI is recomputed by the server)',
        body: profilePatchSchema,
        response: { 200: profileSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return profiles.update(currentUserId(request), request.body, clientInfo(request));
    },
  );

  app.put(
    '/api/users/me/pin',
    {
      preHandler: requireUser,
      config: { rateLimit: authRateLimit },
      schema: { tags, summary: 'Set or change the 4–8 digit PIN (asks for the password again)', body: setPinSchema },
    },
    async (request, reply) => {
      await identity.auth.setPin(currentUserId(request), request.body, clientInfo(request));
      return reply.code(204).send();
    },
  );

  app.delete(
    '/api/users/me/pin',
    {
      preHandler: requireUser,
      config: { rateLimit: authRateLimit },
      schema: { tags, summary: 'Remove the PIN (asks for the password again)', body: removePinSchema },
    },
    async (request, reply) => {
      await identity.auth.removePin(currentUserId(request), request.body, clientInfo(request));
      return reply.code(204).send();
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
      return identity.auth.changePassword(
        currentUserId(request),
        principal.sessionId,
        request.body,
        clientInfo(request),
      );
    },
  );

  app.put(
    '/api/users/me/avatar',
    {
      preHandler: requireUser,
      bodyLimit: config.avatarMaxBytes,
      schema: {
        tags,
        summary: 'Upload a profile picture (PNG, JPEG or WebP; multipart field `file` or a raw image body)',
        response: { 200: avatarResponseSchema },
      },
    },
    async (request) => {
      let data: Buffer;
      if (request.isMultipart()) {
        const file = await request.file();
        if (!file) throw badRequest('Send the picture in a multipart field named "file".');
        data = await file.toBuffer();
      } else if (Buffer.isBuffer(request.body)) {
        data = request.body;
      } else {
        throw new AppError('unsupported_media_type', 415, 'Upload a PNG, JPEG or WebP image.');
      }
      const userId = currentUserId(request);
      const key = await avatars.upload(userId, data, clientInfo(request));
      return { avatarUrl: avatarPath(userId, key) };
    },
  );

  app.delete(
    '/api/users/me/avatar',
    { preHandler: requireUser, schema: { tags, summary: 'Remove the profile picture' } },
    async (request, reply) => {
      await avatars.remove(currentUserId(request), clientInfo(request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/users/me/avatar',
    { preHandler: requireUser, schema: { tags, summary: 'Redirect to the public URL of the profile picture' } },
    async (request, reply) => {
      const user = await identity.users.get(currentUserId(request));
      if (!user?.avatarKey) throw notFound('No profile picture.');
      reply.header('cache-control', 'no-store');
      return reply.redirect(avatarPath(user.id, user.avatarKey), 302);
    },
  );

  app.get(
    '/api/users/:userId/avatar/:avatarKey',
    {
      schema: {
        tags,
        summary: 'A profile picture by its unguessable URL (no header needed, for <img>)',
        params: z.object({ userId: userIdParam, avatarKey: z.string().regex(AVATAR_KEY, 'must be an avatar key') }),
      },
    },
    async (request, reply) => {
      const { userId, avatarKey } = request.params;
      const etag = `"${avatarKey}"`;
      const image = await avatars.read(userId, avatarKey);
      if (!image) throw notFound('No such picture.');
      reply.header('cache-control', 'public, max-age=31536000, immutable').header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type('image/webp').send(image);
    },
  );

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
      const user = await identity.auth.changeRole(
        currentUserId(request),
        request.params.id,
        request.body.role,
        clientInfo(request),
      );
      return presentUser(user);
    },
  );
};
