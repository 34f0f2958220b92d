export { checkDataset, MAX_EXAMPLES, MAX_LINE_BYTES, type DatasetCheck, type LineError } from './fine-tune.dataset.js';
export { applyLine, initialStatus, isTerminal, type FineTuneState, type FineTuneStatus } from './fine-tune.progress.js';
export {
  FINE_TUNE_JOB,
  FineTuneService,
  presentStatus,
  type FineTuneConfig,
  type FineTuneJobDoc,
  type FineTuneModels,
  type FineTuneResult,
  type GateEvaluator,
} from './fine-tune.service.js';
export { decideGate, GATE_SUITES, heldoutBeatsBase } from './fine-tune.gate.js';
export { loadCheck, LoadCheckError, runTrainer, type LoadCheck, type TrainerRun } from './fine-tune.process.js';
export { fineTuneRoutes } from './fine-tune.routes.js';
