/**
 * Access tokens and QR tokens.
 *
 * Access token: a JWT, HS256 only (the algorithm is pinned on verify, so `none`, RS*, ES* and HS512
 * are refused), issuer `medichat`, audience `medichat-api`, claims `sub` (user id or
 * `guest:<sessionId>`), `role` and `sid` (the session it came from: the guest session, or the refresh
 * token issued with it). An expired token with a valid signature is told apart
 * (`token_expired`, so the client refreshes) from anything else (`unauthorized`).
 *
 * QR token: `mc1.<userId>.<version>.<mac>` where mac = HMAC-SHA256(qr key, `mc1.<userId>.<version>`)
 * in base64url. It holds no name, email or health data; `version` must equal the card's current
 * `qrVersion`, so regenerating the QR revokes every earlier one at once. Each token kind has its own
 * key, derived from JWT_SECRET with HKDF.
 *
 * JWTs are made and checked with `fast-jwt` (nearform's, under `@fastify/jwt`): synchronous
 * node:crypto HMAC, ~11 µs a verify here, where `jose` 6 (WebCrypto, asynchronous) took 170–350 µs.
 * Every signed-in request verifies one, so that is the hot path; `bench/auth.bench.ts` measures it.
 * The tests still forge tokens with `jose`, an independent implementation.
 */
import { createHmac } from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { AppError, unauthorized } from '../../lib/errors.js';
import { deriveKey, safeEqual } from '../../lib/crypto.js';
import { principalRoleSchema, ProblemType, type PrincipalRole } from '@medichat/shared';

export const ISSUER = 'medichat';
export const AUDIENCE = 'medichat-api';
export const GUEST_PREFIX = 'guest:';

export interface AccessClaims {
  sub: string;
  role: PrincipalRole;
  sid: string;
}

export interface VerifiedAccess extends AccessClaims {
  exp: number;
}

export const tokenExpired = () =>
  new AppError(ProblemType.tokenExpired, 401, 'The access token has expired; refresh it.', {
    headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="expired"' },
  });

const QR_TOKEN = /^mc1\.([A-Za-z0-9_-]{1,64})\.([1-9][0-9]{0,8})\.([A-Za-z0-9_-]{43})$/;

export class TokenService {
  private readonly sign: (payload: Record<string, unknown>) => string;
  private readonly verify: (token: string) => Record<string, unknown>;
  private readonly qrKey: Buffer;

  constructor(
    secret: string,
    private readonly accessTtlSeconds: number,
  ) {
    const accessKey = deriveKey(secret, 'access-token');
    this.sign = createSigner({ key: accessKey, algorithm: 'HS256', iss: ISSUER, aud: AUDIENCE });
    this.verify = createVerifier({
      key: accessKey,
      algorithms: ['HS256'],
      allowedIss: ISSUER,
      allowedAud: AUDIENCE,
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: 5_000,
    });
    this.qrKey = deriveKey(secret, 'qr-token');
  }

  get accessTokenTtlSeconds(): number {
    return this.accessTtlSeconds;
  }

  /** Signs an access token; `expiresAt` overrides the default lifetime (guest tokens). */
  async signAccess(claims: AccessClaims, options: { expiresAt?: Date; now?: Date } = {}): Promise<string> {
    const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
    const exp = options.expiresAt ? Math.floor(options.expiresAt.getTime() / 1000) : iat + this.accessTtlSeconds;
    return this.sign({ sub: claims.sub, role: claims.role, sid: claims.sid, iat, exp });
  }

  /** Verifies signature (HS256 only), issuer, audience, expiry and claim shapes. */
  async verifyAccess(token: string): Promise<VerifiedAccess> {
    if (token.length > 4096) throw unauthorized('The access token is not valid.');
    let payload: Record<string, unknown>;
    try {
      payload = this.verify(token);
    } catch (err) {
      // The signature is checked before the claims: only a genuine token can be "expired".
      if (err instanceof TokenError && err.code === TokenError.codes.expired) throw tokenExpired();
      throw unauthorized('The access token is not valid.');
    }
    const role = principalRoleSchema.safeParse(payload.role);
    const { sub, sid, exp } = payload;
    if (!role.success || typeof sid !== 'string' || typeof sub !== 'string' || !sid || typeof exp !== 'number') {
      throw unauthorized('The access token is not valid.');
    }
    const guest = sub.startsWith(GUEST_PREFIX);
    if (guest !== (role.data === 'guest')) throw unauthorized('The access token is not valid.');
    return { sub, role: role.data, sid, exp };
  }

  signQr(userId: string, version: number): string {
    const body = `mc1.${userId}.${version}`;
    return `${body}.${createHmac('sha256', this.qrKey).update(body).digest('base64url')}`;
  }

  /** The user id and version a QR token names, or null when it is not one of ours. */
  verifyQr(token: string): { userId: string; version: number } | null {
    const m = QR_TOKEN.exec(token);
    if (!m) return null;
    const [, userId, version] = m as unknown as [string, string, string, string];
    const expected = this.signQr(userId, Number(version));
    return safeEqual(expected, token) ? { userId, version: Number(version) } : null;
  }
}
