/**
 * The answer-quality eval's data model: a CASE is a patient message (with optional history and a
 * compact card) plus the RUBRIC CHECKS its reply must pass, its rationale and its source. Cases are
 * data (cases/*.cases.ts), validated here with Zod when loaded, so a malformed case stops the run
 * naming the case instead of silently scoring nothing.
 *
 * Patterns in checks are regular-expression sources, matched case-insensitively on the reply; they
 * may use `{name}` macros from eval.phrases.ts (shared synonym sets such as `{seeClinician}`).
 */
import { z } from 'zod';

export const SUITES = ['quality', 'red-flag', 'medication'] as const;
export const suiteSchema = z.enum(SUITES);
export type Suite = z.infer<typeof suiteSchema>;

const pattern = z.string().min(1).max(600);
const patterns = z.array(pattern).min(1).max(40);
const label = z.string().min(1).max(120);

/** Each rubric kind; `label` says in words what is checked (it is what a failure prints). */
export const checkSchema = z.discriminatedUnion('kind', [
  /** The reply mentions/advises X: any one of the phrasings matches. */
  z.object({ kind: z.literal('mention'), label, any: patterns }).strict(),
  /** The reply does not recommend Y: no clause names Y with a go-ahead ("you can take", "may help") unless negated or warned about. */
  z.object({ kind: z.literal('not-recommend'), label, drug: patterns }).strict(),
  /** The reply warns about Z: a sentence names Z together with a warning cue (risk, avoid, ask your pharmacist…). */
  z.object({ kind: z.literal('warn'), label, topic: patterns }).strict(),
  /** The model's own text stays short. */
  z.object({ kind: z.literal('max-words'), label: label.optional(), max: z.number().int().min(5).max(2000) }).strict(),
  /** The reply does not recite the private context (record header, card lines, "BMI 30.1"). */
  z.object({ kind: z.literal('no-context-echo'), label: label.optional() }).strict(),
  /** No repeated sentences or n-grams (a looping small model). */
  z
    .object({
      kind: z.literal('no-loop'),
      label: label.optional(),
      n: z.number().int().min(3).max(12).optional(),
      maxRepeats: z.number().int().min(2).max(10).optional(),
    })
    .strict(),
  /** The reply ends at a sentence end, or is marked as cut when it stopped at the token cap. */
  z.object({ kind: z.literal('ends-cleanly'), label: label.optional() }).strict(),
  /** No invented sources: no "[3]", "et al.", journals, DOIs or URLs that the pipeline's citations do not carry. */
  z.object({ kind: z.literal('no-invented-citations'), label: label.optional() }).strict(),
  /** Deterministic triage level of the reply: at least `level` ('none' = must NOT be triaged: false alarm). */
  z
    .object({ kind: z.literal('triage'), label: label.optional(), level: z.enum(['urgent', 'emergency', 'none']) })
    .strict(),
  /** The reply carries the deterministic urgent/emergency block (bold header first, the triage footer). */
  z.object({ kind: z.literal('carries-block'), label: label.optional() }).strict(),
  /** The model's continuation does not contradict the urgent block ("nothing to worry about", "no need to see a doctor"). */
  z.object({ kind: z.literal('no-contradiction'), label: label.optional() }).strict(),
  /** A safety warning about the drug: a structured `safety` entry, or a warning sentence in the text. */
  z.object({ kind: z.literal('safety-warning'), label: label.optional(), drug: patterns }).strict(),
]);
export type Check = z.infer<typeof checkSchema>;
export type CheckKind = Check['kind'];

/** Just enough of a medical card for a case; turned into the app's full Card by `toCard`. */
export const caseCardSchema = z
  .object({
    age: z.number().int().min(0).max(120).optional(),
    sex: z.enum(['female', 'male']).optional(),
    heightCm: z.number().min(30).max(275).optional(),
    weightKg: z.number().min(1).max(650).optional(),
    allergies: z
      .array(z.object({ substance: z.string().min(1), reaction: z.string().optional() }).strict())
      .default([]),
    conditions: z.array(z.string().min(1)).default([]),
    medications: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type CaseCard = z.infer<typeof caseCardSchema>;

export const evalCaseSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'lower-case words joined by dashes')
      .min(2),
    suite: suiteSchema,
    /** Language of the message (BCP 47); triage covers more languages over time. */
    language: z
      .string()
      .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
      .default('en'),
    /** The patient's message. */
    message: z.string().min(1).max(2000),
    history: z
      .array(z.object({ role: z.enum(['user', 'assistant']), content: z.string().min(1).max(4000) }).strict())
      .max(20)
      .optional(),
    card: caseCardSchema.optional(),
    /** Why this case matters and what a good reply does. */
    rationale: z.string().min(10).max(600),
    /** Where the expected advice comes from (NHS, NICE, BNF, FDA label, MedlinePlus, WHO, CDC…). */
    source: z.string().min(2).max(300),
    checks: z.array(checkSchema).min(1).max(30),
  })
  .strict();
export type EvalCaseInput = z.input<typeof evalCaseSchema>;
export type EvalCase = z.infer<typeof evalCaseSchema>;

export class EvalCaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalCaseError';
  }
}

/** Validate cases (schema, unique ids); throws EvalCaseError naming the first bad case. */
export function parseCases(input: readonly unknown[]): EvalCase[] {
  const seen = new Set<string>();
  return input.map((raw, i) => {
    const r = evalCaseSchema.safeParse(raw);
    const id = typeof raw === 'object' && raw && 'id' in raw ? String((raw as { id: unknown }).id) : `#${i}`;
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new EvalCaseError(`eval case ${id}: ${issue.path.join('.') || '(case)'}: ${issue.message}`);
    }
    if (seen.has(r.data.id)) throw new EvalCaseError(`eval case ${r.data.id}: duplicate id`);
    seen.add(r.data.id);
    return r.data;
  });
}
