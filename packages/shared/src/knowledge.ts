/**
 * Knowledge-base citations: the shape a reply carries for each patient-education entry it was
 * grounded on, so the web can show "[1] Fever in children — NHS" with a link to the source.
 * The API builds them from the vetted entries (`apps/api/knowledge/*.json`); nothing here is
 * written by the model, so a citation always names a real entry and its real source.
 */
import { z } from 'zod';

/** An entry id: lower-case words joined by `-` (e.g. `fever-children`), optionally `.<lang>` (`fever-children.de`). */
export const knowledgeIdSchema = z
  .string()
  .regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z]{2})?$/,
    'must be lower-case words joined by "-", optionally ".<language>"',
  )
  .max(80);

export const citationSchema = z
  .object({
    /** The entry's id. */
    id: knowledgeIdSchema,
    /** The entry's title, in the entry's language. */
    title: z.string().min(1).max(200),
    /** Who published what the entry summarises, e.g. `NHS`, `MedlinePlus`, `CDC`. */
    sourceName: z.string().min(1).max(100),
    /** The page the entry summarises. */
    url: z.url({ protocol: /^https$/ }),
  })
  .strict();

export type Citation = z.infer<typeof citationSchema>;
