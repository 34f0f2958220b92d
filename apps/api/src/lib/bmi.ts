/**
 * Body-mass index, server-side: kg/m², one decimal, WHO adult category. Imperial input is converted
 * with the exact definitions (1 in = 2.54 cm, 1 lb = 0.45359237 kg) and stored metric, rounded to
 * 0.1 cm / 0.1 kg. The category is taken from the rounded value, so the number shown and the
 * category always agree (24.96 shows as 25.0, overweight).
 */
import type { BMI_CATEGORIES } from '@medichat/shared';
import { HEIGHT_CM, WEIGHT_KG, type Bmi } from '@medichat/shared';

export const CM_PER_INCH = 2.54;
export const KG_PER_POUND = 0.45359237;
/** BMI values outside this range come from a typo, not a body: refused rather than stored. */
export const PLAUSIBLE_BMI = { min: 5, max: 150 } as const;

export type BmiCategory = (typeof BMI_CATEGORIES)[number];

const round1 = (n: number) => Math.round(n * 10) / 10;

export class MeasurementError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'MeasurementError';
  }
}

/** Height in cm from total inches, or feet plus inches. */
export function heightCmFromImperial(input: { heightFt?: number; heightIn?: number }): number {
  const inches = (input.heightFt ?? 0) * 12 + (input.heightIn ?? 0);
  return round1(inches * CM_PER_INCH);
}

export function weightKgFromPounds(lb: number): number {
  return round1(lb * KG_PER_POUND);
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

export function bmiValue(heightCm: number, weightKg: number): number {
  const m = heightCm / 100;
  return round1(weightKg / (m * m));
}

export function bmiCategory(bmi: number): BmiCategory {
  if (bmi < 18.5) return 'underweight';
  if (bmi < 25) return 'normal';
  if (bmi < 30) return 'overweight';
  return 'obese';
}

/** Whole years between a `YYYY-MM-DD` birth date and `now`. */
export function ageInYears(dateOfBirth: string, now: Date = new Date()): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  const beforeBirthday = now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d);
  if (beforeBirthday) age--;
  return age;
}

/**
 * BMI for a height and weight, or null when either is missing. Adult WHO categories only: under 18
 * the category is null (children are assessed with BMI-for-age percentiles, not these cut-offs).
 * Throws MeasurementError when the pair gives an implausible BMI (e.g. 180 kg at 50 cm).
 */
export function computeBmi(input: {
  heightCm: number | null | undefined;
  weightKg: number | null | undefined;
  dateOfBirth?: string | null;
  now?: Date;
}): Bmi | null {
  if (input.heightCm == null || input.weightKg == null) return null;
  const value = bmiValue(input.heightCm, input.weightKg);
  if (value < PLAUSIBLE_BMI.min || value > PLAUSIBLE_BMI.max) {
    throw new MeasurementError(
      `height ${input.heightCm} cm and weight ${input.weightKg} kg give a BMI of ${value}, which is not plausible; check both`,
      'weightKg',
    );
  }
  const child = input.dateOfBirth ? ageInYears(input.dateOfBirth, input.now) < 18 : false;
  return { value, category: child ? null : bmiCategory(value) };
}
