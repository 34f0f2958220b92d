/**
 * Every job name, in one place. The registry refuses to boot when one of these has no handler or a
 * handler serves a name not listed here; producers enqueue only these. Add a name here, its
 * payload type to JobPayloads, and its handler to buildJobHandlers (jobs/index.ts).
 */
export const JOB_NAMES = ['sweep', 'news-fetch', 'sensors-import', 'model-pull', 'fine-tune'] as const;

export type JobName = (typeof JOB_NAMES)[number];

/** What each job's `data` carries (crosses a JSON boundary: no Dates, no class instances). */
export interface JobPayloads {
  sweep: Record<string, never>;
  'news-fetch': Record<string, never>;
  /** An uploaded export under DATA_DIR/imports (deleted when the job ends). */
  'sensors-import': { owner: string; file: string; format: 'apple-health' | 'google-fit' | 'health-connect' };
  /** A model registry entry (status `pulling`) to fill from `source` (the store's spelling). */
  'model-pull': { modelId: string; source: string; name: string };
  /** The fine-tuned model's registry id (its document holds the dataset path and parameters). */
  'fine-tune': { modelId: string };
}
