import { z } from 'zod';

/** Strings from clients: trimmed, bounded, never an object — so no `{"$gt": ""}` reaches a query. */
export const boundedString = (max: number) => z.string().trim().max(max);

/**
 * Text that must say something: at most `max` characters as sent, trimmed, not blank. The OpenAPI
 * document says the same (`maxLength`, and `pattern: \S` for "not blank"), so a request valid by
 * the document is accepted and one it calls invalid is refused.
 */
export const requiredText = (max: number) => z.string().max(max).trim().min(1).meta({ pattern: '\\S' });

export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be an id');

export const healthSchema = z.object({
  status: z.literal('ok'),
  uptimeSeconds: z.number(),
  version: z.string(),
});
export type Health = z.infer<typeof healthSchema>;

export const readySchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  storage: z.object({ engine: z.enum(['sqlite', 'mongodb']), ok: z.boolean(), latencyMs: z.number() }),
});
export type Ready = z.infer<typeof readySchema>;

/** `GET /api/config`: the public, non-secret server settings the web app needs at run time. */
export const publicConfigSchema = z.object({
  emergencyNumber: z.string(),
  avatarMaxBytes: z.number().int(),
  version: z.string(),
});
export type PublicConfig = z.infer<typeof publicConfigSchema>;

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string(), line: z.number().int().optional() })).optional(),
  retryAfter: z.number().optional(),
});

/** A `204 No Content` response in a route schema (the OpenAPI document then declares 204, not 200). */
export const noContentSchema = z.null().describe('No content');
