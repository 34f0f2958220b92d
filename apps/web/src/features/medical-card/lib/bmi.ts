/**
 * BMI for display while the user types: the same conversions, rounding and WHO categories as the
 * API (`apps/api/src/lib/bmi.ts`), so the live number equals the one the server stores on save.
 * The server's value is authoritative; `e2e/bmi-parity.test.ts` checks both agree on a grid of
 * inputs. (Kept here because the API's module is not in `@medichat/shared`; it imports nothing
 * but `@medichat/shared`, so Node can load it in that test.)
 *
 * kg/m², one decimal; imperial converted exactly (1 in = 2.54 cm, 1 lb = 0.45359237 kg) and rounded
 * to 0.1 cm / 0.1 kg like the stored values; the category comes from the rounded value; no adult
 * category under 18; implausible pairs (BMI outside 5–150) are flagged, as the server refuses them.
 */
import type { BMI_CATEGORIES, Bmi } from '@medichat/shared';

export const CM_PER_INCH = 2.54;
export const KG_PER_POUND = 0.45359237;
export const PLAUSIBLE_BMI = { min: 5, max: 150 } as const;

export type BmiCategory = (typeof BMI_CATEGORIES)[number];

export const round1 = (n: number) => Math.round(n * 10) / 10;

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

/** Whole years between a `YYYY-MM-DD` birth date and `now` (UTC, like the server). */
export function ageInYears(dateOfBirth: string, now: Date = new Date()): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  let age = now.getUTCFullYear() - y;
  const beforeBirthday = now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d);
  if (beforeBirthday) age--;
  return age;
}

export type LiveBmi = { kind: 'none' } | { kind: 'implausible'; value: number } | { kind: 'ok'; bmi: Bmi };

/** The BMI the server would store for these (already rounded, metric) values. */
export function computeBmi(input: {
  heightCm: number | null | undefined;
  weightKg: number | null | undefined;
  dateOfBirth?: string | null;
  now?: Date;
}): LiveBmi {
  if (input.heightCm == null || input.weightKg == null || input.heightCm <= 0) return { kind: 'none' };
  const value = bmiValue(input.heightCm, input.weightKg);
  if (value < PLAUSIBLE_BMI.min || value > PLAUSIBLE_BMI.max) return { kind: 'implausible', value };
  const child =
    input.dateOfBirth && /^\d{4}-\d{2}-\d{2}$/.test(input.dateOfBirth)
      ? ageInYears(input.dateOfBirth, input.now) < 18
      : false;
  return { kind: 'ok', bmi: { value, category: child ? null : bmiCategory(value) } };
}
