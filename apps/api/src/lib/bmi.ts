/**
 * Server-side BMI: the shared implementation (`@medichat/shared` bmi.ts, also used live by the web
 * app) plus what only the server does — resolve metric or imperial input to the stored metric
 * values, and refuse out-of-range or implausible measurements.
 */
import {
  HEIGHT_CM,
  WEIGHT_KG,
  assessBmi,
  heightCmFromImperial,
  round1,
  weightKgFromPounds,
  type Bmi,
} from '@medichat/shared';

export {
  CM_PER_INCH,
  KG_PER_POUND,
  PLAUSIBLE_BMI,
  ageInYears,
  bmiCategory,
  bmiValue,
  heightCmFromImperial,
  weightKgFromPounds,
  type BmiCategory,
} from '@medichat/shared';

export class MeasurementError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'MeasurementError';
  }
}

/** Resolve metric or imperial input to metric; `undefined` = not given, `null` = clear. */
export function resolveMeasurements(input: {
  heightCm?: number | null;
  weightKg?: number | null;
  heightFt?: number;
  heightIn?: number;
  weightLb?: number;
}): { heightCm?: number | null; weightKg?: number | null } {
  const out: { heightCm?: number | null; weightKg?: number | null } = {};
  if (input.heightCm !== undefined) out.heightCm = input.heightCm === null ? null : round1(input.heightCm);
  else if (input.heightFt !== undefined || input.heightIn !== undefined) out.heightCm = heightCmFromImperial(input);
  if (input.weightKg !== undefined) out.weightKg = input.weightKg === null ? null : round1(input.weightKg);
  else if (input.weightLb !== undefined) out.weightKg = weightKgFromPounds(input.weightLb);
  if (typeof out.heightCm === 'number' && (out.heightCm < HEIGHT_CM.min || out.heightCm > HEIGHT_CM.max)) {
    throw new MeasurementError(`height must be between ${HEIGHT_CM.min} and ${HEIGHT_CM.max} cm`, 'heightCm');
  }
  if (typeof out.weightKg === 'number' && (out.weightKg < WEIGHT_KG.min || out.weightKg > WEIGHT_KG.max)) {
    throw new MeasurementError(`weight must be between ${WEIGHT_KG.min} and ${WEIGHT_KG.max} kg`, 'weightKg');
  }
  return out;
}

/**
 * BMI for a height and weight, or null when either is missing (category null under 18).
 * Throws MeasurementError when the pair gives an implausible BMI (e.g. 180 kg at 50 cm).
 */
export function computeBmi(input: {
  heightCm: number | null | undefined;
  weightKg: number | null | undefined;
  dateOfBirth?: string | null;
  now?: Date;
}): Bmi | null {
  const result = assessBmi(input);
  if (result.kind === 'none') return null;
  if (result.kind === 'implausible') {
    throw new MeasurementError(
      `height ${input.heightCm} cm and weight ${input.weightKg} kg give a BMI of ${result.value}, which is not plausible; check both`,
      'weightKg',
    );
  }
  return result.bmi;
}
