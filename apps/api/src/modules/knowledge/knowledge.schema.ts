/**
 * The shape of a knowledge-base entry: one short, plain-language, patient-education summary of a
 * named public source (NHS, MedlinePlus, CDC, WHO, NICE, a national formulary…). Entries are data
 * (`apps/api/knowledge/*.json`, each file an array of entries) and are checked against this schema
 * at boot: a file that fails stops the boot with an error naming the file and the entry's path.
 */
import { knowledgeIdSchema } from '@medichat/shared';
import { z } from 'zod';

/** Languages the card offers; an entry is written in one of them. */
export const KNOWLEDGE_LANGUAGES = ['en', 'de', 'fr', 'es'] as const;
export type KnowledgeLanguage = (typeof KNOWLEDGE_LANGUAGES)[number];

/** Bodies stay short: they go into the prompt of a small model, several at a time. */
export const BODY_MAX_CHARS = 900;

export const knowledgeEntrySchema = z
  .object({
    id: knowledgeIdSchema,
    title: z.string().trim().min(3).max(200),
    language: z.enum(KNOWLEDGE_LANGUAGES),
    body: z.string().trim().min(80, 'must be at least 80 characters').max(BODY_MAX_CHARS),
    tags: z.array(z.string().trim().min(2).max(60)).min(1).max(20),
    source: z
      .object({
        name: z.string().trim().min(2).max(100),
        url: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }),
        /** When the entry was last checked against the source (YYYY-MM-DD). */
        reviewed: z.iso.date(),
      })
      .strict(),
  })
  .strict()
  .refine((e) => e.language === 'en' || e.id.endsWith(`.${e.language}`), {
    message: 'an entry not in English has an id ending in .<language> (e.g. stroke-fast.de)',
    path: ['id'],
  });

export type KnowledgeEntry = z.infer<typeof knowledgeEntrySchema>;

export const knowledgeFileSchema = z.array(knowledgeEntrySchema).min(1, 'must hold at least one entry');
