export { checkDataset, MAX_EXAMPLES, MAX_LINE_BYTES, type DatasetCheck, type LineError } from './fine-tune.dataset.js';
export { applyLine, initialStatus, isTerminal, type FineTuneState, type FineTuneStatus } from './fine-tune.progress.js';
