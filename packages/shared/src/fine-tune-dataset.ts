/**
 * The line-by-line check of a fine-tune dataset (chat JSONL, one `{"messages": [...]}` a line),
 * with 1-based line numbers, for the browser's preview before upload and the API's check of the
 * upload alike. Same rules as trainer/medichat_trainer/dataset.py, so a file the page calls clean
 * is one the API and the trainer take.
 */
import { z } from 'zod';
import { FINE_TUNE_MAX_EXAMPLES } from './fine-tune.js';

export const FINE_TUNE_MAX_LINE_BYTES = 64 * 1024;
export const FINE_TUNE_MAX_ERRORS_REPORTED = 50;

export const chatExampleSchema = z.object({
  messages: z
    .array(
      z.object({
        role: z.enum(['system', 'user', 'assistant']),
        content: z.string().refine((s) => s.trim().length > 0, 'must be a non-empty string'),
      }),
    )
    .min(2, 'needs at least a user and an assistant message'),
});
export type ChatExample = z.infer<typeof chatExampleSchema>;

export interface DatasetLineError {
  /** 1-based; 0 for the file as a whole. */
  line: number;
  message: string;
}

export interface ChatDatasetCheck {
  ok: boolean;
  /** Valid examples. */
  examples: number;
  /** The first `previewCount` valid examples with their line numbers. */
  preview: Array<{ line: number; example: ChatExample }>;
  errors: DatasetLineError[];
}

const utf8 = new TextEncoder();

/** The example on this line, or why it is refused. */
export function checkChatLine(raw: string): ChatExample | string {
  if (utf8.encode(raw).length > FINE_TUNE_MAX_LINE_BYTES)
    return `line is longer than ${FINE_TUNE_MAX_LINE_BYTES} bytes`;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return `not valid JSON: ${(e as Error).message}`;
  }
  const parsed = chatExampleSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${issue?.path.length ? issue.path.join('.') : 'line'}: ${issue?.message ?? 'invalid'}`;
  }
  if (!parsed.data.messages.some((m) => m.role === 'assistant')) return 'no assistant message to learn from';
  return parsed.data;
}

/** Every non-blank line checked (blank lines count for numbering and are skipped). */
export function checkChatDataset(
  text: string,
  options: { maxExamples?: number; previewCount?: number } = {},
): ChatDatasetCheck {
  const maxExamples = options.maxExamples ?? FINE_TUNE_MAX_EXAMPLES;
  const previewCount = options.previewCount ?? 0;
  const errors: DatasetLineError[] = [];
  const preview: ChatDatasetCheck['preview'] = [];
  let examples = 0;
  let seen = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (!raw.trim()) continue;
    seen++;
    if (seen > maxExamples) {
      errors.push({ line: i + 1, message: `more than ${maxExamples} examples` });
      break;
    }
    const result = checkChatLine(raw);
    if (typeof result === 'string') errors.push({ line: i + 1, message: result });
    else {
      examples++;
      if (preview.length < previewCount) preview.push({ line: i + 1, example: result });
    }
  }
  if (seen === 0) errors.push({ line: 0, message: 'the dataset has no examples' });
  return { ok: errors.length === 0, examples, preview, errors: errors.slice(0, FINE_TUNE_MAX_ERRORS_REPORTED) };
}
