/** Words for the medical card's enums and fields, for every feature that shows a card. */
import type { BMI_CATEGORIES } from '@medichat/shared';

type BmiCategory = (typeof BMI_CATEGORIES)[number];

export const SEX_LABELS: Record<string, string> = {
  female: 'Female',
  male: 'Male',
  intersex: 'Intersex',
  other: 'Other',
  unknown: 'Prefer not to say',
};

export const SEVERITY_LABELS: Record<string, string> = {
  mild: 'Mild',
  moderate: 'Moderate',
  severe: 'Severe',
};

export const BMI_CATEGORY_LABELS: Record<BmiCategory, string> = {
  underweight: 'Underweight',
  normal: 'Healthy weight',
  overweight: 'Overweight',
  obese: 'Obesity',
};

export const EMERGENCY_FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  dateOfBirth: 'Date of birth',
  sex: 'Sex',
  bloodType: 'Blood type',
  heightCm: 'Height',
  weightKg: 'Weight',
  bmi: 'BMI',
  allergies: 'Allergies',
  conditions: 'Conditions',
  medications: 'Medications',
  immunizations: 'Immunizations',
  emergencyContacts: 'Emergency contacts',
  organDonor: 'Organ donor',
  primaryPhysician: 'Primary physician',
  language: 'Language',
  notes: 'Notes',
};
