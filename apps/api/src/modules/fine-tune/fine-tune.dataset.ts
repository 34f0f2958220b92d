/**
 * The upload check of a fine-tune dataset (chat JSONL, one {"messages": [...]} a line), line by line
 * with 1-based line numbers for the 4xx. The rules are the shared ones (`checkChatDataset`, which the
 * browser's preview runs too), the same as trainer/medichat_trainer/dataset.py, so a dataset the
 * page calls clean is one the API and the trainer accept.
 */
import {
  checkChatDataset,
  FINE_TUNE_MAX_EXAMPLES,
  FINE_TUNE_MAX_LINE_BYTES,
  type DatasetLineError,
} from '@medichat/shared';

export const MAX_LINE_BYTES = FINE_TUNE_MAX_LINE_BYTES;
export const MAX_EXAMPLES = FINE_TUNE_MAX_EXAMPLES;
export type LineError = DatasetLineError;

export interface DatasetCheck {
  ok: boolean;
  examples: number;
  errors: LineError[];
}

export function checkDataset(text: string, maxExamples = MAX_EXAMPLES): DatasetCheck {
  const { ok, examples, errors } = checkChatDataset(text, { maxExamples });
  return { ok, examples, errors };
}
