/**
 * The dataset check before upload, in the browser: the shared line-by-line check
 * (`checkChatDataset`, the API's and the trainer's rules), plus what only a file has — its size
 * against the upload limit and too few examples to split — so an admin sees the first examples and
 * every bad line's number before sending 20 MB. The API checks again: its 422 is the authority.
 */
import {
  checkChatDataset,
  FINE_TUNE_MAX_DATASET_BYTES,
  FINE_TUNE_MIN_EXAMPLES,
  type ChatDatasetCheck,
} from '@medichat/shared';

export type DatasetPreview = ChatDatasetCheck;

export function previewDataset(
  text: string,
  options: { previewCount?: number; sizeBytes?: number } = {},
): DatasetPreview {
  const check = checkChatDataset(text, { previewCount: options.previewCount ?? 3 });
  const errors = [...check.errors];
  if ((options.sizeBytes ?? 0) > FINE_TUNE_MAX_DATASET_BYTES) {
    errors.unshift({ line: 0, message: `the file is larger than ${FINE_TUNE_MAX_DATASET_BYTES / 1024 / 1024} MB` });
  }
  if (errors.length === 0 && check.examples < FINE_TUNE_MIN_EXAMPLES) {
    errors.push({ line: 0, message: `at least ${FINE_TUNE_MIN_EXAMPLES} examples are needed (train and held-out)` });
  }
  return { ...check, errors, ok: errors.length === 0 };
}
