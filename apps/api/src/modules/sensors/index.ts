/** The sensors module's public surface for other modules (docs/boundaries.md). */
export {
  flagOf,
  summaryForAssistant,
  toCanonical,
  SensorService,
  type AssistantReading,
  type RecentSummary,
} from './sensor.service.js';
export { sensorRoutes } from './sensors.routes.js';
export {
  ImportError,
  appleDate,
  parseHealthJson,
  streamAppleHealth,
  type ImportFormat,
  type ImportResult,
} from './health-import.js';
