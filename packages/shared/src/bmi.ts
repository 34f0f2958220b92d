/**
 * Body-mass index, one implementation for the API (which stores it, authoritative) and the web app
 * (which shows it live while the user types): kg/m², one decimal, WHO adult category. Imperial input
 * is converted with the exact definitions (1 in = 2.54 cm, 1 lb = 0.45359237 kg) and rounded to
 * 0.1 cm / 0.1 kg like the stored values. The category is taken from the rounded value, so the
 * number shown and the category always agree (24.96 shows as 25.0, overweight). No adult category
 * under 18: children are assessed with BMI-for-age percentiles, not these cut-offs.
 */
import type { BMI_CATEGORIES, Bmi } from './card.js';

export const CM_PER_INCH = 2.54;
export const KG_PER_POUND = 0.45359237;
/** BMI values outside this range come from a typo, not a body: refused rather than stored. */
export const PLAUSIBLE_BMI = { min: 5, max: 150 } as const;

export type BmiCategory = (typeof BMI_CATEGORIES)[number];

export const round1 = (n: number) => Math.round(n * 10) / 10;

/** Height in cm from total inches, or feet plus inches. */
export function heightCmFromImperial(input: { heightFt?: number; heightIn?: number }): number {
  const inches = (input.heightFt ?? 0) * 12 + (input.heightIn ?? 0);
  return round1(inches * CM_PER_INCH);
}

export function weightKgFromPounds(lb: number): number {
  return round1(lb * KG_PER_POUND);
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

/** Whole years between a `YYYY-MM-DD` birth date and `now` (UTC). */
export function ageInYears(dateOfBirth: string, now: Date = new Date()): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  const beforeBirthday = now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d);
  if (beforeBirthday) age--;
  return age;
}

export type BmiAssessment = { kind: 'none' } | { kind: 'implausible'; value: number } | { kind: 'ok'; bmi: Bmi };

/** The BMI for these (rounded, metric) values: none when either is missing, or flagged implausible. */
export function assessBmi(input: {
  heightCm: number | null | undefined;
  weightKg: number | null | undefined;
  dateOfBirth?: string | null;
  now?: Date;
}): BmiAssessment {
  if (input.heightCm == null || input.weightKg == null || input.heightCm <= 0) return { kind: 'none' };
  const value = bmiValue(input.heightCm, input.weightKg);
  if (value < PLAUSIBLE_BMI.min || value > PLAUSIBLE_BMI.max) return { kind: 'implausible', value };
  const child =
    input.dateOfBirth && /^\d{4}-\d{2}-\d{2}$/.test(input.dateOfBirth)
      ? ageInYears(input.dateOfBirth, input.now) < 18
      : false;
  return { kind: 'ok', bmi: { value, category: child ? null : bmiCategory(value) } };
}
