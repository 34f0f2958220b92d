/**
 * The medical card: what the owner reads and edits, what the emergency view shows. Request schemas
 * are strict (an unknown field is a 400) and every string is bounded, so no object such as
 * `{"$gt": ""}` can stand where a string belongs. BMI is computed by the server and is never
 * accepted from a client.
 */
import { z } from 'zod';
import { requiredText } from './common.js';
import { displayNameSchema } from './user.js';

export const SEXES = ['female', 'male', 'intersex', 'other', 'unknown'] as const;
export const BLOOD_TYPES = ['A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'] as const;
export const SEVERITIES = ['mild', 'moderate', 'severe'] as const;
/** WHO adult categories: underweight < 18.5 ≤ normal < 25 ≤ overweight < 30 ≤ obese. */
export const BMI_CATEGORIES = ['underweight', 'normal', 'overweight', 'obese'] as const;

/** Bounds for measurements (metric); imperial input is converted and then held to the same. */
export const HEIGHT_CM = { min: 30, max: 275 } as const;
export const WEIGHT_KG = { min: 1, max: 650 } as const;
/** WEIGHT_KG in pounds, to the hundredth inside the range (so a weight the document allows is one the card takes). */
export const WEIGHT_LB = {
  min: Math.ceil((WEIGHT_KG.min / 0.45359237) * 100) / 100,
  max: Math.floor((WEIGHT_KG.max / 0.45359237) * 100) / 100,
} as const;

const text = (max: number) => requiredText(max);
const optionalText = (max: number) => z.string().trim().max(max).optional();
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ().-]{2,29}$/, 'must be a phone number');
const email = z.string().trim().toLowerCase().max(254).check(z.email('must be an email address'));

/** `YYYY-MM-DD`, a real calendar date, not in the future and not before 1900. */
export const pastDateSchema = z.iso
  .date()
  .refine((d) => d >= '1900-01-01' && d <= new Date().toISOString().slice(0, 10), 'must be a past date after 1900');

export const allergySchema = z
  .object({ substance: text(200), reaction: optionalText(500), severity: z.enum(SEVERITIES).optional() })
  .strict();
export const conditionSchema = z
  .object({ name: text(200), since: pastDateSchema.optional(), notes: optionalText(1000) })
  .strict();
export const medicationSchema = z
  .object({ name: text(200), dose: optionalText(100), schedule: optionalText(200) })
  .strict();
export const immunizationSchema = z.object({ vaccine: text(200), date: pastDateSchema.optional() }).strict();
export const emergencyContactSchema = z
  .object({ name: text(200), relationship: optionalText(100), phone, email: email.optional() })
  .strict();
export const primaryPhysicianSchema = z
  .object({ name: text(200), organization: optionalText(200), phone: phone.optional(), email: email.optional() })
  .strict();

export type Allergy = z.infer<typeof allergySchema>;
export type Condition = z.infer<typeof conditionSchema>;
export type Medication = z.infer<typeof medicationSchema>;
export type Immunization = z.infer<typeof immunizationSchema>;
export type EmergencyContact = z.infer<typeof emergencyContactSchema>;
export type PrimaryPhysician = z.infer<typeof primaryPhysicianSchema>;

/** BCP 47 language tag, e.g. `en`, `fr-CA`, `zh-Hant-TW`. */
export const languageSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, 'must be a language tag such as en or fr-CA');

/** Card fields the owner may show on the emergency view. */
export const EMERGENCY_FIELDS = [
  'name',
  'dateOfBirth',
  'sex',
  'bloodType',
  'heightCm',
  'weightKg',
  'bmi',
  'allergies',
  'conditions',
  'medications',
  'immunizations',
  'emergencyContacts',
  'organDonor',
  'primaryPhysician',
  'language',
  'notes',
] as const;
export const emergencyFieldSchema = z.enum(EMERGENCY_FIELDS);
export type EmergencyField = z.infer<typeof emergencyFieldSchema>;
/** What a new card shows in an emergency until its owner chooses otherwise. */
export const DEFAULT_EMERGENCY_FIELDS: EmergencyField[] = [
  'bloodType',
  'allergies',
  'conditions',
  'medications',
  'emergencyContacts',
];

export const bmiSchema = z.object({
  /** kg/m², one decimal. */
  value: z.number(),
  /** WHO adult category; null under 18, where adult cut-offs do not apply (BMI-for-age does). */
  category: z.enum(BMI_CATEGORIES).nullable(),
});
export type Bmi = z.infer<typeof bmiSchema>;

/** The card as the API returns it to its owner. */
export const cardSchema = z.object({
  name: z.string().nullable(),
  dateOfBirth: z.string().nullable(),
  sex: z.enum(SEXES).nullable(),
  bloodType: z.enum(BLOOD_TYPES).nullable(),
  heightCm: z.number().nullable(),
  weightKg: z.number().nullable(),
  bmi: bmiSchema.nullable(),
  allergies: z.array(allergySchema),
  conditions: z.array(conditionSchema),
  medications: z.array(medicationSchema),
  immunizations: z.array(immunizationSchema),
  emergencyContacts: z.array(emergencyContactSchema),
  organDonor: z.boolean().nullable(),
  primaryPhysician: primaryPhysicianSchema.nullable(),
  language: z.string().nullable(),
  notes: z.string().nullable(),
  emergencyFields: z.array(emergencyFieldSchema),
  /** Consent: the assistant may use this card as context for its answers. */
  shareCardWithAssistant: z.boolean(),
  /** Version of the current QR; 0 until the first QR is made. */
  qrVersion: z.number().int(),
  updatedAt: z.string(),
});
export type Card = z.infer<typeof cardSchema>;

const listOf = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max);

/**
 * `PATCH /api/users/me`: every field optional; `null` clears a field; lists replace the whole list.
 * Height: `heightCm`, or imperial `heightIn` (total inches) or `heightFt` + `heightIn` (0–11.99).
 * Weight: `weightKg` or `weightLb`. Metric and imperial for the same measure at once is a 400.
 */
export const profilePatchSchema = z
  .object({
    displayName: displayNameSchema.optional(),
    name: text(200).nullable().optional(),
    dateOfBirth: pastDateSchema.nullable().optional(),
    sex: z.enum(SEXES).nullable().optional(),
    bloodType: z.enum(BLOOD_TYPES).nullable().optional(),
    heightCm: z.number().min(HEIGHT_CM.min).max(HEIGHT_CM.max).nullable().optional(),
    weightKg: z.number().min(WEIGHT_KG.min).max(WEIGHT_KG.max).nullable().optional(),
    heightFt: z.number().int().min(1).max(9).optional(),
    heightIn: z.number().min(0).max(110).optional(),
    weightLb: z.number().min(WEIGHT_LB.min).max(WEIGHT_LB.max).optional(),
    allergies: listOf(allergySchema, 100).optional(),
    conditions: listOf(conditionSchema, 100).optional(),
    medications: listOf(medicationSchema, 100).optional(),
    immunizations: listOf(immunizationSchema, 100).optional(),
    emergencyContacts: listOf(emergencyContactSchema, 10).optional(),
    organDonor: z.boolean().nullable().optional(),
    primaryPhysician: primaryPhysicianSchema.nullable().optional(),
    language: languageSchema.nullable().optional(),
    notes: z.string().trim().max(2000).nullable().optional(),
    emergencyFields: z
      .array(emergencyFieldSchema)
      .max(EMERGENCY_FIELDS.length)
      .refine((a) => new Set(a).size === a.length, 'must not repeat a field')
      .optional(),
    shareCardWithAssistant: z.boolean().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.heightCm !== undefined && (v.heightFt !== undefined || v.heightIn !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['heightCm'], message: 'give height in cm or in ft/in, not both' });
    }
    if (v.weightKg !== undefined && v.weightLb !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['weightKg'], message: 'give weight in kg or in lb, not both' });
    }
    if (v.heightFt !== undefined && v.heightIn !== undefined && v.heightIn >= 12) {
      ctx.addIssue({ code: 'custom', path: ['heightIn'], message: 'with heightFt, heightIn must be below 12' });
    }
  });
export type ProfilePatch = z.infer<typeof profilePatchSchema>;

/** What the emergency view returns: only the fields the owner chose. */
export const emergencyViewSchema = z.object({
  card: cardSchema
    .pick({
      name: true,
      dateOfBirth: true,
      sex: true,
      bloodType: true,
      heightCm: true,
      weightKg: true,
      bmi: true,
      allergies: true,
      conditions: true,
      medications: true,
      immunizations: true,
      emergencyContacts: true,
      organDonor: true,
      primaryPhysician: true,
      language: true,
      notes: true,
    })
    .partial(),
  /** The local emergency number, shown prominently. */
  emergencyNumber: z.string(),
  updatedAt: z.string(),
  /**
   * Shown medications a responder must know about at once (anticoagulants, insulin, opioids…),
   * from the medication module's class data. Present only when medications are shown.
   */
  highRiskMedications: z.array(z.object({ medication: z.string(), reasons: z.array(z.string()) })).optional(),
});
export type EmergencyView = z.infer<typeof emergencyViewSchema>;

export const qrSchema = z.object({
  /**
   * Exactly the string the QR encodes — the emergency URL `<base>/emergency/<token>`;
   * `POST /api/auth/qr-login` accepts it as is (and the bare token too).
   */
  qr: z.string(),
  version: z.number().int(),
});
export type Qr = z.infer<typeof qrSchema>;
