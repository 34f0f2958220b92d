/**
 * The model registry as the API shows it: everyone sees the available models (minimal fields) and
 * picks one; admins see and register all of them.
 */
import { z } from 'zod';
import { idSchema, requiredText } from './common.js';

/** Local model files smaller than this (about 2 B parameters at 4-bit) count as small models. */
export const SMALL_MODEL_BYTES = 1_500_000_000;

export const MODEL_ENGINES = ['llama-cpp', 'transformers', 'openai', 'hf-inference'] as const;
export const MODEL_KINDS = ['base', 'fine-tuned'] as const;
export const MODEL_STATUSES = ['available', 'pulling', 'training', 'failed', 'disabled'] as const;
export type ModelEngineId = (typeof MODEL_ENGINES)[number];
export type ModelKind = (typeof MODEL_KINDS)[number];
export type ModelStatus = (typeof MODEL_STATUSES)[number];

export const modelNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'must be 1 to 100 letters, digits, ".", "_", ":" or "-"');

/** What every signed-in user or guest sees of an available model. */
export const modelSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(MODEL_KINDS),
  isDefault: z.boolean(),
  /**
   * A small model running on this server (a local file under SMALL_MODEL_BYTES): fine for general
   * information, weak at reasoning. The web says so beside the chat, with how to switch.
   */
  small: z.boolean(),
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

/** What an admin sees. Remote API keys are never stored in the registry nor shown. */
export const modelAdminSchema = modelSummarySchema.extend({
  engine: z.enum(MODEL_ENGINES),
  status: z.enum(MODEL_STATUSES),
  source: z.string(),
  path: z.string(),
  sizeBytes: z.number().nullable(),
  baseModelId: z.string().nullable(),
  /** In memory now (this API instance). */
  loaded: z
    .object({ state: z.enum(['loading', 'ready', 'disposing']), memoryBytes: z.number(), leases: z.number() })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** What the model scored (a fine-tune's held-out loss, eval results), by name; null: none measured. */
  metrics: z.record(z.string(), z.number()).nullable().optional(),
});
export type ModelAdmin = z.infer<typeof modelAdminSchema>;

export const modelListSchema = z.object({
  items: z.array(z.union([modelAdminSchema, modelSummarySchema])),
  /** The model that answers when nobody chose one; null when none is available. */
  defaultModelId: z.string().nullable(),
  /** The caller's choice (users only); null = the default. */
  selectedModelId: z.string().nullable(),
});
export type ModelList = z.infer<typeof modelListSchema>;

/** `POST /api/models/use`: `null` goes back to the default. */
export const useModelSchema = z.object({ modelId: idSchema.nullable() }).strict();
export type UseModelInput = z.infer<typeof useModelSchema>;

export const usedModelSchema = z.object({
  selectedModelId: z.string().nullable(),
  model: modelSummarySchema.nullable(),
});
export type UsedModel = z.infer<typeof usedModelSchema>;

/**
 * `POST /api/models` (admin): register a model.
 * - `llama-cpp`: `path` to a `.gguf` file (absolute, or relative to MODELS_DIR).
 * - `transformers`: `path` to an ONNX model directory (absolute, or relative to MODELS_DIR).
 * - `openai` / `hf-inference`: `baseUrl` of the server and `path` = the remote model id.
 */
export const registerModelSchema = z
  .object({
    name: modelNameSchema,
    engine: z.enum(MODEL_ENGINES),
    path: requiredText(1024),
    baseUrl: z
      .string()
      .trim()
      .max(1024)
      .regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL')
      .optional(),
    kind: z.enum(MODEL_KINDS).default('base'),
    baseModelId: idSchema.optional(),
    isDefault: z.boolean().default(false),
  })
  .strict()
  .refine((m) => (m.engine === 'openai' || m.engine === 'hf-inference' ? Boolean(m.baseUrl) : !m.baseUrl), {
    message: 'remote engines need baseUrl; local engines take none',
    path: ['baseUrl'],
  });
export type RegisterModelInput = z.infer<typeof registerModelSchema>;
