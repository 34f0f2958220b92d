/**
 * Logger options. Logs never contain secrets or health data: no bodies are logged, credentials
 * and cookies are redacted, and `?token=` in URLs (WebSocket auth) is masked.
 */
import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config/config.js';

export function maskUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token|qr|pin)=)[^&]*/gi, '$1[redacted]');
}

export function loggerOptions(config: Pick<Config, 'logLevel' | 'env'>): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.pin',
        '*.token',
        '*.refreshToken',
        '*.accessToken',
        '*.apiKey',
        '*.card',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(request) {
        return {
          id: request.id,
          method: request.method,
          url: maskUrl(request.url),
          remoteAddress: request.ip,
        };
      },
    },
  };
}

/** The part of a logger (pino, Fastify's) that services are given. */
export interface ServiceLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
