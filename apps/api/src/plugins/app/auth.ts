/**
 * Authentication for every feature. Decorates the app with `authenticator` (the account module's
 * session service, given by the composition root) and each request with `principal` (null until a
 * guard below has run), and exports the guards:
 *
 *   preHandler: requireUser              a signed-in user (401 otherwise, guests included)
 *   preHandler: requireRole('admin')     a user whose *current* role (read from storage) is listed (403)
 *   preHandler: requireUserOrGuest       a user or a live guest session (401)
 *   preHandler: ensurePrincipal          like requireUserOrGuest, but with no token at all it creates a
 *                                        guest session: `request.principal` is the guest, the new token
 *                                        is in the `x-guest-token` response header and in
 *                                        `request.guestToken`, for the route to put in its body too
 *                                        (e.g. `return { chat, guestToken: request.guestToken ?? undefined }`)
 *
 * The token comes from `Authorization: Bearer <token>`, or for WebSocket upgrade requests only from
 * `?token=` (browsers cannot set headers on a WebSocket). A present but invalid token is always a
 * 401 (`token_expired` when it only expired), never silently a new guest.
 *
 * Outside a Fastify route (Socket.IO handshakes): `await verifyAccessToken(app, token)` returns the
 * Principal or throws the same 401 AppError.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { GUEST_TOKEN_HEADER, type Role } from '@medichat/shared';
import { forbidden, unauthorized } from '../../lib/errors.js';
import type { Authenticator, ClientInfo, Principal } from '../../lib/principal.js';

export type { Principal } from '../../lib/principal.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Turns access tokens into principals (the session service). */
    authenticator: Authenticator;
  }
  interface FastifyRequest {
    /** Who is calling; set by the guards of this module (null on routes without one). */
    principal: Principal | null;
    /** A guest token `ensurePrincipal` created for this request, to echo in the body. */
    guestToken: string | null;
  }
}

/** The bearer token of a request: Authorization header, or `?token=` on a WebSocket upgrade. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header);
    if (!m) throw unauthorized('Send the access token as "Authorization: Bearer <token>".');
    return m[1]!;
  }
  if (String(request.headers.upgrade ?? '').toLowerCase() === 'websocket') {
    const q = request.url.indexOf('?');
    if (q >= 0) {
      const token = new URLSearchParams(request.url.slice(q + 1)).get('token');
      if (token) return token;
    }
  }
  return null;
}

export function verifyAccessToken(app: FastifyInstance, token: string): Promise<Principal> {
  return app.authenticator.authenticate(token);
}

async function resolve(request: FastifyRequest): Promise<Principal | null> {
  if (request.principal) return request.principal;
  const token = bearerToken(request);
  if (!token) return null;
  request.principal = await request.server.authenticator.authenticate(token);
  return request.principal;
}

/** The 401/403 guards: run before validation (see the onRoute hook below). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const GUARDS = new WeakSet<Function>();

export async function requireUser(request: FastifyRequest): Promise<void> {
  const principal = await resolve(request);
  if (!principal) throw unauthorized();
  if (principal.kind !== 'user') throw unauthorized('Sign in to do that; a guest session is not enough.');
}

export function requireRole(...roles: Role[]) {
  const handler = async function requireRoleHandler(request: FastifyRequest): Promise<void> {
    await requireUser(request);
    const role = await request.server.authenticator.currentRole(request.principal!.userId!);
    if (!role) throw unauthorized();
    if (!roles.includes(role)) throw forbidden();
    request.principal = { ...request.principal!, role };
  };
  GUARDS.add(handler);
  return handler;
}

export async function requireUserOrGuest(request: FastifyRequest): Promise<void> {
  if (!(await resolve(request))) throw unauthorized();
}

GUARDS.add(requireUser);
GUARDS.add(requireUserOrGuest);

export async function ensurePrincipal(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (await resolve(request)) return;
  const guest = await request.server.authenticator.createGuest(clientInfo(request));
  request.principal = guest.principal;
  request.guestToken = guest.token;
  reply.header(GUEST_TOKEN_HEADER, guest.token);
}

/** The principal set by a guard; throws 401 when the route has none (a programming slip). */
export function getPrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

/** The signed-in user's id (after requireUser). */
export function currentUserId(request: FastifyRequest): string {
  const p = getPrincipal(request);
  if (!p.userId) throw unauthorized();
  return p.userId;
}

export function clientInfo(request: FastifyRequest): ClientInfo & { ip: string; userAgent: string | null } {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 256) : null };
}

export default fp(
  async function auth(app: FastifyInstance, opts: { authenticator: Authenticator }) {
    app.decorate('authenticator', opts.authenticator);
    app.decorateRequest('principal', null);
    app.decorateRequest('guestToken', null);
    // Authorization before validation: a route's guards declared as `preHandler` move to
    // `preValidation`, so a request without the right to call a route learns 401/403 and nothing
    // about what a valid body would be. (ensurePrincipal stays after validation: it creates a guest.)
    app.addHook('onRoute', (route) => {
      const asList = (h: unknown): unknown[] => (h === undefined ? [] : Array.isArray(h) ? h : [h]);
      const pre = asList(route.preHandler);
      // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
      const isGuard = (h: unknown) => typeof h === 'function' && GUARDS.has(h as Function);
      const guards = pre.filter(isGuard);
      if (guards.length === 0) return;
      route.preHandler = pre.filter((h) => !isGuard(h)) as typeof route.preHandler;
      route.preValidation = [...guards, ...asList(route.preValidation)] as typeof route.preValidation;
    });
  },
  { name: 'auth' },
);
