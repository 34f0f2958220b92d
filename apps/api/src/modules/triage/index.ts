/** The triage module's public surface for other modules (docs/boundaries.md). */
export { footer } from './triage.rules.js';
export { stripTriageBlock, triageFooters } from './triage.service.js';
