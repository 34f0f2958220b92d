/**
 * /api/users: the signed-in person's profile and card, avatar, and the public avatar URL. (PIN and
 * password routes under /api/users/me are the account module's; role changes the admin module's.)
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { avatarResponseSchema, noContentSchema, profilePatchSchema, profileSchema } from '@medichat/shared';
import type { Config } from '../../config/config.js';
import { AppError, badRequest, notFound } from '../../lib/errors.js';
import { clientInfo, currentUserId, requireUser } from '../../plugins/app/auth.js';
import { AVATAR_KEY } from './avatar.service.js';
import { avatarPath } from './user.presenter.js';

export const userIdParam = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be a user id');

export const userRoutes: FastifyPluginAsyncZod<{ config: Config }> = async (app, { config }) => {
  const { profiles, avatars, users } = app.services;
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
    {
      preHandler: requireUser,
      schema: { tags, summary: 'Remove the profile picture', response: { 204: noContentSchema } },
    },
    async (request, reply) => {
      await avatars.remove(currentUserId(request), clientInfo(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/users/me/avatar',
    { preHandler: requireUser, schema: { tags, summary: 'Redirect to the public URL of the profile picture' } },
    async (request, reply) => {
      const user = await users.get(currentUserId(request));
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
      if (config.blob.kind === 's3') {
        // Straight from the store: a presigned URL, cached a little less than it lives.
        const url = await avatars.presignedUrl(userId, avatarKey, config.blob.presignTtlSeconds);
        if (url === null) throw notFound('No such picture.');
        if (url !== undefined) {
          reply.header('cache-control', `public, max-age=${Math.max(0, config.blob.presignTtlSeconds - 60)}`);
          return reply.redirect(url, 302);
        }
      }
      const image = await avatars.read(userId, avatarKey);
      if (!image) throw notFound('No such picture.');
      reply.header('cache-control', 'public, max-age=31536000, immutable').header('etag', etag);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.type('image/webp').send(image);
    },
  );
};
