/**
 * BMI for display while the user types: the very functions the API stores with (`@medichat/shared`
 * bmi.ts), so the live number equals the one the server saves. The server's value is authoritative.
 */
export {
  CM_PER_INCH,
  KG_PER_POUND,
  heightCmFromImperial,
  round1,
  weightKgFromPounds,
  assessBmi as computeBmi,
  type BmiAssessment as LiveBmi,
} from '@medichat/shared';
