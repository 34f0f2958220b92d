/**
 * The eval's case set: the three suites' data, validated once (eval.schema.ts), with each suite's
 * standing checks added to every case of it, and the compact case cards turned into the app's Card.
 * Suite defaults live here, in one place, so a case file only states what is particular to a case.
 */
import type { Card } from '@medichat/shared';
import { computeBmi } from '../../lib/bmi.js';
import { medicationCases } from './cases/medication.cases.js';
import { qualityCases } from './cases/quality.cases.js';
import { redFlagCases } from './cases/red-flag.cases.js';
import { parseCases, type CaseCard, type Check, type EvalCase, type Suite } from './eval.schema.js';

/** Default reply length limit (words of the model's own text) where a case sets none. */
export const DEFAULT_MAX_WORDS = 220;

/** Checks every case of a suite gets (a case's own check of the same kind replaces the default). */
export function suiteDefaults(suite: Suite, c: Pick<EvalCase, 'card' | 'history'>): Check[] {
  const manners: Check[] = [
    { kind: 'max-words', max: DEFAULT_MAX_WORDS },
    { kind: 'no-loop' },
    { kind: 'ends-cleanly' },
    { kind: 'no-invented-citations' },
    ...(c.card ? [{ kind: 'no-context-echo' } as const] : []),
  ];
  switch (suite) {
    case 'quality':
    case 'medication':
      return manners;
    case 'red-flag':
      return [
        { kind: 'carries-block' },
        { kind: 'no-contradiction' },
        { kind: 'no-loop' },
        { kind: 'ends-cleanly' },
        { kind: 'no-invented-citations' },
      ];
  }
}

/** A case's checks: its own, then the suite's defaults of kinds it does not set itself. */
export function checksOf(c: EvalCase): Check[] {
  const own = new Set(c.checks.map((k) => k.kind));
  return [...c.checks, ...suiteDefaults(c.suite, c).filter((d) => !own.has(d.kind))];
}

let cached: EvalCase[] | null = null;

/** Every case of every suite, validated (throws EvalCaseError naming a bad case). */
export function allCases(): EvalCase[] {
  cached ??= parseCases([...qualityCases, ...redFlagCases, ...medicationCases]);
  return cached;
}

/** The app's Card for a case card: age becomes a date of birth (1 January, so the age is exact at `now`). */
export function toCard(c: CaseCard, now: Date): Card {
  const dateOfBirth = c.age !== undefined ? `${now.getUTCFullYear() - c.age}-01-01` : null;
  const heightCm = c.heightCm ?? null;
  const weightKg = c.weightKg ?? null;
  return {
    name: null,
    dateOfBirth,
    sex: c.sex ?? null,
    bloodType: null,
    heightCm,
    weightKg,
    bmi: computeBmi({ heightCm, weightKg, dateOfBirth, now }),
    allergies: c.allergies.map((a) => ({ substance: a.substance, ...(a.reaction ? { reaction: a.reaction } : {}) })),
    conditions: c.conditions.map((name) => ({ name })),
    medications: c.medications.map((name) => ({ name })),
    immunizations: [],
    emergencyContacts: [],
    organDonor: null,
    primaryPhysician: null,
    language: null,
    notes: null,
    emergencyFields: [],
    shareCardWithAssistant: true,
    qrVersion: 0,
    updatedAt: now.toISOString(),
  };
}
