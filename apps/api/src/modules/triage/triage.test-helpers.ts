/** For other modules' tests: the triage corpus (e.g. a red flag to speak in the voice tests). */
export { corpus, type CorpusCase } from './triage.corpus.js';
