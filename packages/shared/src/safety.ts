/**
 * A medication-safety warning: what the deterministic checker (apps/api/src/modules/medication)
 * attaches to a reply when a drug the person takes, asks about, or is recommended conflicts with
 * another drug, an allergy or a condition. The API stores it on the message and the web shows it
 * above the reply; the model never writes it and cannot remove it. Defined once here so the API's
 * message schema and the web read the same shape.
 */
import { z } from 'zod';

/** Most to least serious. `contraindicated`: do not combine; `major`: avoid unless a clinician says so. */
export const SAFETY_SEVERITIES = ['contraindicated', 'major', 'moderate', 'minor'] as const;
export const safetySeveritySchema = z.enum(SAFETY_SEVERITIES);
export type SafetySeverity = z.infer<typeof safetySeveritySchema>;

export const SAFETY_WARNING_KINDS = ['drug-drug', 'drug-allergy', 'drug-condition'] as const;
export const safetyWarningKindSchema = z.enum(SAFETY_WARNING_KINDS);
export type SafetyWarningKind = z.infer<typeof safetyWarningKindSchema>;

export const safetySourceSchema = z.object({
  /** Who says so: "BNF: interactions of warfarin", "FDA Drug Safety Communication (2016)". */
  name: z.string().min(1).max(300),
  url: z.url().max(500).optional(),
});
export type SafetySource = z.infer<typeof safetySourceSchema>;

export const safetyWarningSchema = z.object({
  /** Stable for the same rule and the same drugs/subject: the key warnings are deduplicated by. */
  id: z.string().min(1).max(300),
  /** The data rule that fired. */
  ruleId: z.string().min(1).max(100),
  kind: safetyWarningKindSchema,
  severity: safetySeveritySchema,
  /** Generic names of the drugs involved ("ibuprofen"). */
  drugs: z.array(z.string().min(1).max(100)).min(1).max(10),
  /** What they conflict with: the other drug(s), the allergy ("penicillin allergy") or the condition. */
  subject: z.string().min(1).max(300),
  /** One line a patient can read: "Ibuprofen with warfarin". */
  what: z.string().min(1).max(500),
  why: z.string().min(1).max(1000),
  advice: z.string().min(1).max(1000),
  source: safetySourceSchema,
});
export type SafetyWarning = z.infer<typeof safetyWarningSchema>;
