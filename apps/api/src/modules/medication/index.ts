/** The medication module's public surface for other modules (docs/boundaries.md). */
export {
  createMedicationChecker,
  type CardFacts,
  type HighRiskMedication,
  type MedicationChecker,
  type MedicationContext,
} from './medication.checker.js';
