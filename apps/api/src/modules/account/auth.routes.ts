/**
 * /api/auth: register, login, PIN login, QR login, refresh, logout, guest. Every route has its own,
 * tighter rate limit (AUTH_RATE_LIMIT_MAX per window per client) on top of the global one.
 * The refresh token travels only in the `medichat_refresh` cookie: httpOnly, SameSite=Strict,
 * Path=/api/auth, Secure when the request came over HTTPS.
 */
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  guestSessionSchema,
  loginSchema,
  noContentSchema,
  pinLoginSchema,
  qrLoginSchema,
  registeredSchema,
  registerSchema,
  sessionSchema,
} from '@medichat/shared';
import type { Config } from '../../config/config.js';
import { presentUser } from '../users/index.js';
import { bearerToken, clientInfo, currentUserId, requireUser } from '../../plugins/app/auth.js';
import type { IssuedSession, SignInContext } from './session.service.js';

export const REFRESH_COOKIE = 'medichat_refresh';
export const REFRESH_COOKIE_PATH = '/api/auth';

function cookieOptions(request: FastifyRequest) {
  return {
    path: REFRESH_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: request.protocol === 'https',
  };
}

function signInContext(request: FastifyRequest): SignInContext {
  let guestToken: string | null = null;
  try {
    guestToken = bearerToken(request);
  } catch {
    // A malformed Authorization header on a sign-in route is ignored, not an error.
  }
  return { ...clientInfo(request), guestToken };
}

function sendSession(request: FastifyRequest, reply: FastifyReply, s: IssuedSession) {
  reply.setCookie(REFRESH_COOKIE, s.refreshToken, { ...cookieOptions(request), expires: s.refreshExpiresAt });
  reply.header('cache-control', 'no-store');
  return {
    accessToken: s.accessToken,
    tokenType: 'Bearer' as const,
    expiresIn: s.expiresIn,
    user: presentUser(s.user),
  };
}

export const authRoutes: FastifyPluginAsyncZod<{ config: Config }> = async (app, { config }) => {
  if (!app.hasDecorator('parseCookie')) await app.register(cookie);
  const rateLimit = { max: config.auth.rateLimitMax, timeWindow: config.rateLimit.windowMs };
  const auth = app.services.sessions;
  const tags = ['auth'];

  app.post(
    '/api/auth/register',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Create an account and its medical card; signs in (send a guest token as Bearer to keep its chats)',
        body: registerSchema,
        response: { 201: registeredSchema },
      },
    },
    async (request, reply) => {
      const result = await auth.register(request.body, signInContext(request));
      const session = sendSession(request, reply, result);
      return reply.code(201).send({ ...session, card: result.card });
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { rateLimit },
      schema: { tags, summary: 'Sign in with email and password', body: loginSchema, response: { 200: sessionSchema } },
    },
    async (request, reply) => sendSession(request, reply, await auth.login(request.body, signInContext(request))),
  );

  app.post(
    '/api/auth/pin-login',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary:
          'Sign in with email (or user id) and PIN (locks with growing back-off after 5 wrong PINs; a wrong email answers like a wrong PIN)',
        body: pinLoginSchema,
        response: { 200: sessionSchema },
      },
    },
    async (request, reply) => sendSession(request, reply, await auth.pinLogin(request.body, signInContext(request))),
  );

  app.post(
    '/api/auth/qr-login',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Sign in with the string the medical-card QR encodes (and the PIN when the account has one)',
        body: qrLoginSchema,
        response: { 200: sessionSchema },
      },
    },
    async (request, reply) => sendSession(request, reply, await auth.qrLogin(request.body, signInContext(request))),
  );

  app.post(
    '/api/auth/refresh',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Rotate the refresh cookie and get a new access token',
        response: { 200: sessionSchema },
      },
    },
    async (request, reply) => {
      try {
        return sendSession(request, reply, await auth.refresh(request.cookies[REFRESH_COOKIE], clientInfo(request)));
      } catch (err) {
        reply.clearCookie(REFRESH_COOKIE, cookieOptions(request));
        throw err;
      }
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Revoke the refresh-token family and clear the cookie',
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      await auth.logout(request.cookies[REFRESH_COOKIE]);
      reply.clearCookie(REFRESH_COOKIE, cookieOptions(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/logout-all',
    {
      config: { rateLimit },
      preHandler: requireUser,
      schema: {
        tags,
        summary: 'Sign out on every device: revoke all refresh families; their access tokens stop at once',
        security: [{ bearer: [] }],
        response: { 204: noContentSchema },
      },
    },
    async (request, reply) => {
      await auth.logoutEverywhere(currentUserId(request), clientInfo(request));
      reply.clearCookie(REFRESH_COOKIE, cookieOptions(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/guest',
    {
      config: { rateLimit },
      schema: {
        tags,
        summary: 'Start a guest session (chat without an account)',
        response: { 201: guestSessionSchema },
      },
    },
    async (request, reply) => {
      const guest = await auth.createGuest(clientInfo(request));
      reply.header('cache-control', 'no-store');
      return reply
        .code(201)
        .send({ guestToken: guest.token, tokenType: 'Bearer' as const, expiresAt: guest.expiresAt.toISOString() });
    },
  );
};
