/**
 * The dataset check before upload, in the browser: a chat JSONL file (one `{"messages": [...]}` a
 * line) read line by line with the same rules the API applies (modules/fine-tune/fine-tune.dataset.ts
 * and the trainer), so an admin sees the first examples and every bad line's number before sending
 * 20 MB. The API checks again: its 422 is the authority.
 */
import { FINE_TUNE_MAX_DATASET_BYTES, FINE_TUNE_MAX_EXAMPLES, FINE_TUNE_MIN_EXAMPLES } from '@medichat/shared';
import { z } from 'zod';

const MAX_LINE_BYTES = 64 * 1024;
const MAX_ERRORS = 50;

const messageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().refine((s) => s.trim().length > 0, 'must be a non-empty string'),
});
const exampleSchema = z.object({
  messages: z.array(messageSchema).min(2, 'needs at least a user and an assistant message'),
});
export type ChatExample = z.infer<typeof exampleSchema>;

export interface DatasetLineError {
  /** 1-based; 0 for the file as a whole. */
  line: number;
  message: string;
}

export interface DatasetPreview {
  /** Valid examples. */
  examples: number;
  /** The first valid examples, with their line numbers. */
  preview: Array<{ line: number; example: ChatExample }>;
  errors: DatasetLineError[];
  ok: boolean;
}

const utf8 = new TextEncoder();

function lineError(raw: string): string | ChatExample {
  if (utf8.encode(raw).length > MAX_LINE_BYTES) return `line is longer than ${MAX_LINE_BYTES} bytes`;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return `not valid JSON: ${(e as Error).message}`;
  }
  const parsed = exampleSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${issue?.path.length ? issue.path.join('.') : 'line'}: ${issue?.message ?? 'invalid'}`;
  }
  if (!parsed.data.messages.some((m) => m.role === 'assistant')) return 'no assistant message to learn from';
  return parsed.data;
}

export function previewDataset(
  text: string,
  options: { previewCount?: number; sizeBytes?: number } = {},
): DatasetPreview {
  const previewCount = options.previewCount ?? 3;
  const errors: DatasetLineError[] = [];
  const preview: DatasetPreview['preview'] = [];
  if ((options.sizeBytes ?? 0) > FINE_TUNE_MAX_DATASET_BYTES) {
    errors.push({ line: 0, message: `the file is larger than ${FINE_TUNE_MAX_DATASET_BYTES / 1024 / 1024} MB` });
  }
  let examples = 0;
  let seen = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (!raw.trim()) continue;
    seen++;
    if (seen > FINE_TUNE_MAX_EXAMPLES) {
      errors.push({ line: i + 1, message: `more than ${FINE_TUNE_MAX_EXAMPLES} examples` });
      break;
    }
    const result = lineError(raw);
    if (typeof result === 'string') errors.push({ line: i + 1, message: result });
    else {
      examples++;
      if (preview.length < previewCount) preview.push({ line: i + 1, example: result });
    }
  }
  if (seen === 0) errors.push({ line: 0, message: 'the dataset has no examples' });
  else if (examples < FINE_TUNE_MIN_EXAMPLES && errors.length === 0) {
    errors.push({ line: 0, message: `at least ${FINE_TUNE_MIN_EXAMPLES} examples are needed (train and held-out)` });
  }
  return { examples, preview, errors: errors.slice(0, MAX_ERRORS), ok: errors.length === 0 };
}
