/**
 * The upload check of a fine-tune dataset (chat JSONL, one {"messages": [...]} a line), line by line
 * with 1-based line numbers for the 4xx. Same rules as trainer/medichat_trainer/dataset.py, so a
 * dataset the API accepts is one the trainer accepts.
 */
import { z } from 'zod';

export const MAX_LINE_BYTES = 64 * 1024;
export const MAX_EXAMPLES = 20_000;
export const MAX_ERRORS_REPORTED = 50;

const message = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().refine((s) => s.trim().length > 0, 'must be a non-empty string'),
});
const example = z.object({ messages: z.array(message).min(2, 'needs at least a user and an assistant message') });
export type ChatExample = z.infer<typeof example>;

export interface LineError {
  line: number;
  message: string;
}
export interface DatasetCheck {
  ok: boolean;
  examples: number;
  errors: LineError[];
}

function checkLine(raw: string): string | null {
  if (Buffer.byteLength(raw, 'utf8') > MAX_LINE_BYTES) return `line is longer than ${MAX_LINE_BYTES} bytes`;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return `not valid JSON: ${(e as Error).message}`;
  }
  const parsed = example.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'line';
    return `${where}: ${issue?.message ?? 'invalid'}`;
  }
  if (!parsed.data.messages.some((m) => m.role === 'assistant')) return 'no assistant message to learn from';
  return null;
}

export function checkDataset(text: string, maxExamples = MAX_EXAMPLES): DatasetCheck {
  const errors: LineError[] = [];
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
    const err = checkLine(raw);
    if (err) errors.push({ line: i + 1, message: err });
    else examples++;
  }
  if (seen === 0) errors.push({ line: 0, message: 'the dataset has no examples' });
  return { ok: errors.length === 0, examples, errors: errors.slice(0, MAX_ERRORS_REPORTED) };
}
