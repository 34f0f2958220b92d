/**
 * The medical QR (`GET /api/qr` current, `POST /api/qr` new; it encodes `<base>/emergency/<token>`),
 * the public emergency view (`GET /api/emergency/:qr`, the token from the page's path) and the
 * FHIR export (`GET /api/users/me/card.fhir`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { z } from 'zod';
import { emergencyViewSchema, qrSchema } from '@medichat/shared';
import type { Config } from '../../config/config.js';
import { AppError } from '../../lib/errors.js';
import { clientInfo, currentUserId, requireUser } from '../../plugins/app/auth.js';
import { qrUrl } from './qr-url.js';

type QrFormat = 'png' | 'svg' | 'json';
const FORMATS: Array<[string, QrFormat]> = [
  ['image/png', 'png'],
  ['image/svg+xml', 'svg'],
  ['application/json', 'json'],
];

/** The supported type the Accept header prefers (q-values honoured); JSON when there is none. */
export function negotiateQrFormat(accept: string | undefined): QrFormat | null {
  if (!accept || !accept.trim()) return 'json';
  let best: { format: QrFormat; q: number; specificity: number } | null = null;
  for (const part of accept.split(',')) {
    const [rawType, ...params] = part.trim().toLowerCase().split(';');
    const type = rawType!.trim();
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    for (const [mime, format] of FORMATS) {
      const [major] = mime.split('/');
      const specificity = type === mime ? 2 : type === `${major}/*` ? 1 : type === '*/*' ? 0 : -1;
      if (specificity < 0) continue;
      // */* picks JSON; image/* picks PNG.
      if (specificity === 0 && format !== 'json') continue;
      if (!best || q > best.q || (q === best.q && specificity > best.specificity)) best = { format, q, specificity };
    }
  }
  return best?.format ?? null;
}

export const cardRoutes: FastifyPluginAsyncZod<{ config: Config }> = async (app, { config }) => {
  const { cards, users } = app.services;
  const authRateLimit = { max: config.auth.rateLimitMax, timeWindow: config.rateLimit.windowMs };

  /** The public base the QR points at: PUBLIC_URL, else this request's protocol and host. */
  const publicBase = (request: FastifyRequest): string => config.publicUrl ?? `${request.protocol}://${request.host}`;

  /** Sends a QR token as the emergency URL it encodes, in the format the Accept header chose. */
  const sendQr = async (
    request: FastifyRequest,
    reply: FastifyReply,
    format: QrFormat,
    token: string,
    version: number,
  ) => {
    const qr = qrUrl(publicBase(request), token);
    reply.header('cache-control', 'no-store').header('x-qr-version', String(version)).header('vary', 'accept');
    // The 4-module quiet zone the QR standard asks for; whole pixels per module for crisp printing.
    const options = { errorCorrectionLevel: 'M' as const, margin: 4 };
    // Images bypass the JSON response schema (a Buffer or string with its own type is sent as is).
    if (format === 'png') {
      return reply.type('image/png').send((await QRCode.toBuffer(qr, { ...options, type: 'png', scale: 12 })) as never);
    }
    if (format === 'svg') {
      return reply.type('image/svg+xml').send((await QRCode.toString(qr, { ...options, type: 'svg' })) as never);
    }
    return reply.send({ qr, version });
  };

  const formatOf = (request: FastifyRequest): QrFormat => {
    const format = negotiateQrFormat(request.headers.accept);
    if (!format) throw new AppError('bad_request', 406, 'Accept image/png, image/svg+xml or application/json.');
    return format;
  };

  app.get(
    '/api/qr',
    {
      preHandler: requireUser,
      config: { rateLimit: authRateLimit },
      schema: {
        tags: ['cards'],
        summary: 'The current medical QR (no new version; the printed card keeps working): PNG, SVG or JSON by Accept',
        response: { 200: qrSchema },
      },
    },
    async (request, reply) => {
      const format = formatOf(request);
      const { qr, version } = await cards.currentQr(currentUserId(request), clientInfo(request));
      return sendQr(request, reply, format, qr, version);
    },
  );

  app.post(
    '/api/qr',
    {
      preHandler: requireUser,
      config: { rateLimit: authRateLimit },
      schema: {
        tags: ['cards'],
        summary: 'Make a new medical QR (every earlier QR stops working): PNG, SVG or JSON by Accept',
        response: { 200: qrSchema },
      },
    },
    async (request, reply) => {
      const format = formatOf(request);
      const { qr, version } = await cards.regenerateQr(currentUserId(request), clientInfo(request));
      return sendQr(request, reply, format, qr, version);
    },
  );

  app.get(
    '/api/emergency/:qr',
    {
      config: { rateLimit: authRateLimit },
      schema: {
        tags: ['cards'],
        summary: 'Emergency view of a card by its QR string: only the fields its owner chose (every view audited)',
        params: z.object({ qr: z.string().min(1).max(512) }),
        response: { 200: emergencyViewSchema },
      },
    },
    async (request, reply) => {
      const view = await cards.emergencyView(request.params.qr, clientInfo(request));
      reply
        .header('cache-control', 'no-store')
        .header('x-robots-tag', 'noindex, nofollow')
        .header('referrer-policy', 'no-referrer');
      return view;
    },
  );

  app.get(
    '/api/users/me/card.fhir',
    {
      preHandler: requireUser,
      schema: { tags: ['cards'], summary: 'The medical card as a FHIR R4 Bundle (collection)' },
    },
    async (request, reply) => {
      const userId = currentUserId(request);
      const user = await users.get(userId);
      const bundle = await cards.fhir(userId, user?.email ?? '');
      // Readings of the last 30 days as vital-signs Observations of the same Patient (sensors module).
      const patient = bundle.entry.find((e) => e.resource.resourceType === 'Patient')?.fullUrl;
      if (patient)
        bundle.entry.push(...((await app.services.sensors.fhirObservations(userId, patient)) as typeof bundle.entry));
      reply
        .header('cache-control', 'no-store')
        .header('content-disposition', 'attachment; filename="medical-card.fhir.json"');
      return reply.type('application/fhir+json; charset=utf-8').send(JSON.stringify(bundle));
    },
  );
};
