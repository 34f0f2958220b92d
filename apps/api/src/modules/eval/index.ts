/** The answer-quality eval: cases, checks, runner, gate, the pipeline answerer and report text. */
export {
  createPipelineAnswerer,
  type Answer,
  type Answerer,
  type AnswerInput,
  type PipelineAnswererDeps,
  type Retrieved,
} from './eval.answerer.js';
export { allCases, checksOf, suiteDefaults, toCard } from './eval.cases.js';
export { runCheck, type AnswerView, type CheckResult } from './eval.checks.js';
export { formatCheckTable, formatFailures, formatScoreTable } from './eval.report.js';
export {
  compareReports,
  DEFAULT_TOLERANCE,
  runEval,
  type CaseResult,
  type EvalReport,
  type GateVerdict,
  type RunEvalOptions,
  type SuiteResult,
} from './eval.runner.js';
export { EvalCaseError, parseCases, SUITES, type Check, type EvalCase, type Suite } from './eval.schema.js';
