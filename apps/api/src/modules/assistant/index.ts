/** The assistant module's public surface for other modules (docs/boundaries.md). */
export type { SensorReading } from './assistant.prompt.js';
export { describeContext } from './assistant.prompt.js';
