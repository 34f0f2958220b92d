/**
 * The card editor's model: a draft of strings (what the inputs hold) made from the card, and the
 * `PATCH /api/users/me` body made from the draft — only the fields that changed, empty strings as
 * `null` (cleared), lists without blank rows, height and weight only when the user touched them
 * (in the unit they typed: cm/kg, or ft+in/lb, which the server converts).
 */
import { EMERGENCY_FIELDS, type Card, type EmergencyField, type ProfilePatch, type User } from '@medichat/shared';
import {
  computeBmi,
  heightCmFromImperial,
  KG_PER_POUND,
  round1,
  weightKgFromPounds,
  CM_PER_INCH,
  type LiveBmi,
} from './bmi';

export type Units = 'metric' | 'imperial';

export interface AllergyDraft {
  key: string;
  substance: string;
  reaction: string;
  severity: string;
}
export interface ConditionDraft {
  key: string;
  name: string;
  since: string;
  notes: string;
}
export interface MedicationDraft {
  key: string;
  name: string;
  dose: string;
  schedule: string;
}
export interface ImmunizationDraft {
  key: string;
  vaccine: string;
  date: string;
}
export interface ContactDraft {
  key: string;
  name: string;
  relationship: string;
  phone: string;
  email: string;
}
export interface PhysicianDraft {
  name: string;
  organization: string;
  phone: string;
  email: string;
}

export interface CardDraft {
  displayName: string;
  name: string;
  dateOfBirth: string;
  sex: string;
  bloodType: string;
  units: Units;
  heightCm: string;
  weightKg: string;
  heightFt: string;
  heightIn: string;
  weightLb: string;
  heightTouched: boolean;
  weightTouched: boolean;
  /** The unit the user last typed each measure in: switching back shows what they typed. */
  heightTypedIn: Units | null;
  weightTypedIn: Units | null;
  allergies: AllergyDraft[];
  conditions: ConditionDraft[];
  medications: MedicationDraft[];
  immunizations: ImmunizationDraft[];
  emergencyContacts: ContactDraft[];
  /** '' = not stated. */
  organDonor: '' | 'yes' | 'no';
  physician: PhysicianDraft;
  language: string;
  notes: string;
  emergencyFields: EmergencyField[];
  shareCardWithAssistant: boolean;
}

let keySeq = 0;
/** A stable React key for a list row (rows have no id of their own). */
export const rowKey = () => `row-${++keySeq}`;

const str = (v: string | null | undefined) => v ?? '';
const num = (v: number | null | undefined) => (v == null ? '' : String(v));

// --- units ---------------------------------------------------------------------------------------

/** 180 cm → { ft: '5', in: '10.9' } (inches to 0.1; 11.96 in rounds up to the next foot). */
export function cmToFeetInches(cm: number): { ft: string; in: string } {
  const total = cm / CM_PER_INCH;
  let ft = Math.floor(total / 12);
  let inches = round1(total - ft * 12);
  if (inches >= 12) {
    ft += 1;
    inches = 0;
  }
  return { ft: String(ft), in: String(inches) };
}

export function kgToPounds(kg: number): string {
  return String(round1(kg / KG_PER_POUND));
}

/** A typed number: '' → null, '72,5' → 72.5, 'abc' → NaN. */
export function parseNumber(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (!t) return null;
  return /^[0-9]*\.?[0-9]+$|^[0-9]+\.$/.test(t) ? Number(t) : Number.NaN;
}

export function orderFields(fields: readonly EmergencyField[]): EmergencyField[] {
  return EMERGENCY_FIELDS.filter((f) => fields.includes(f));
}

// --- card → draft --------------------------------------------------------------------------------

export function measurementStrings(
  card: Pick<Card, 'heightCm' | 'weightKg'>,
): Pick<CardDraft, 'heightCm' | 'weightKg' | 'heightFt' | 'heightIn' | 'weightLb'> {
  const imperial = card.heightCm == null ? { ft: '', in: '' } : cmToFeetInches(card.heightCm);
  return {
    heightCm: num(card.heightCm),
    weightKg: num(card.weightKg),
    heightFt: imperial.ft,
    heightIn: imperial.in,
    weightLb: card.weightKg == null ? '' : kgToPounds(card.weightKg),
  };
}

export function cardToDraft(card: Card, user: Pick<User, 'displayName'>, units: Units = 'metric'): CardDraft {
  return {
    displayName: user.displayName,
    name: str(card.name),
    dateOfBirth: str(card.dateOfBirth),
    sex: str(card.sex),
    bloodType: str(card.bloodType),
    units,
    ...measurementStrings(card),
    heightTouched: false,
    weightTouched: false,
    heightTypedIn: null,
    weightTypedIn: null,
    allergies: card.allergies.map((a) => ({
      key: rowKey(),
      substance: a.substance,
      reaction: str(a.reaction),
      severity: str(a.severity),
    })),
    conditions: card.conditions.map((c) => ({ key: rowKey(), name: c.name, since: str(c.since), notes: str(c.notes) })),
    medications: card.medications.map((m) => ({
      key: rowKey(),
      name: m.name,
      dose: str(m.dose),
      schedule: str(m.schedule),
    })),
    immunizations: card.immunizations.map((i) => ({ key: rowKey(), vaccine: i.vaccine, date: str(i.date) })),
    emergencyContacts: card.emergencyContacts.map((c) => ({
      key: rowKey(),
      name: c.name,
      relationship: str(c.relationship),
      phone: c.phone,
      email: str(c.email),
    })),
    organDonor: card.organDonor == null ? '' : card.organDonor ? 'yes' : 'no',
    physician: {
      name: str(card.primaryPhysician?.name),
      organization: str(card.primaryPhysician?.organization),
      phone: str(card.primaryPhysician?.phone),
      email: str(card.primaryPhysician?.email),
    },
    language: str(card.language),
    notes: str(card.notes),
    emergencyFields: orderFields(card.emergencyFields),
    shareCardWithAssistant: card.shareCardWithAssistant,
  };
}

// --- draft → measurements ------------------------------------------------------------------------

/** Height and weight in metric as the server would store them; NaN where the text is not a number. */
export function effectiveMeasurements(
  draft: CardDraft,
  card: Pick<Card, 'heightCm' | 'weightKg'>,
): { heightCm: number | null; weightKg: number | null } {
  let heightCm: number | null = card.heightCm;
  let weightKg: number | null = card.weightKg;
  if (draft.heightTouched) {
    if (draft.units === 'metric') {
      const h = parseNumber(draft.heightCm);
      heightCm = h === null ? null : round1(h);
    } else {
      const ft = parseNumber(draft.heightFt);
      const inch = parseNumber(draft.heightIn);
      heightCm = ft === null && inch === null ? null : heightCmFromImperial({ heightFt: ft ?? 0, heightIn: inch ?? 0 });
    }
  }
  if (draft.weightTouched) {
    const w = parseNumber(draft.units === 'metric' ? draft.weightKg : draft.weightLb);
    weightKg = w === null ? null : draft.units === 'metric' ? round1(w) : weightKgFromPounds(w);
  }
  return { heightCm, weightKg };
}

export function liveBmi(draft: CardDraft, card: Pick<Card, 'heightCm' | 'weightKg'>): LiveBmi {
  const { heightCm, weightKg } = effectiveMeasurements(draft, card);
  if (heightCm === null || weightKg === null || Number.isNaN(heightCm) || Number.isNaN(weightKg)) {
    return { kind: 'none' };
  }
  return computeBmi({ heightCm, weightKg, dateOfBirth: draft.dateOfBirth || null });
}

// --- draft → patch -------------------------------------------------------------------------------

const orNull = (s: string) => (s.trim() ? s.trim() : null);
const orUndef = (s: string) => (s.trim() ? s.trim() : undefined);
const blank = (...values: string[]) => values.every((v) => !v.trim());

/** Keys of the patch that are number inputs, with the text that could not be read as a number. */
export function numberProblems(draft: CardDraft): Record<string, string> {
  const problems: Record<string, string> = {};
  const check = (key: string, text: string, touched: boolean) => {
    if (touched && Number.isNaN(parseNumber(text) ?? 0)) problems[key] = 'Enter a number, like 72.5';
  };
  if (draft.units === 'metric') {
    check('heightCm', draft.heightCm, draft.heightTouched);
    check('weightKg', draft.weightKg, draft.weightTouched);
  } else {
    check('heightFt', draft.heightFt, draft.heightTouched);
    check('heightIn', draft.heightIn, draft.heightTouched);
    check('weightLb', draft.weightLb, draft.weightTouched);
  }
  return problems;
}

/** Every card field as the API takes it (measurements apart). */
function fullPatch(draft: CardDraft): Record<string, unknown> {
  const physicianBlank = blank(
    draft.physician.name,
    draft.physician.organization,
    draft.physician.phone,
    draft.physician.email,
  );
  return {
    displayName: draft.displayName.trim(),
    name: orNull(draft.name),
    dateOfBirth: orNull(draft.dateOfBirth),
    sex: orNull(draft.sex),
    bloodType: orNull(draft.bloodType),
    allergies: draft.allergies
      .filter((a) => !blank(a.substance, a.reaction, a.severity))
      .map((a) => ({ substance: a.substance.trim(), reaction: orUndef(a.reaction), severity: orUndef(a.severity) })),
    conditions: draft.conditions
      .filter((c) => !blank(c.name, c.since, c.notes))
      .map((c) => ({ name: c.name.trim(), since: orUndef(c.since), notes: orUndef(c.notes) })),
    medications: draft.medications
      .filter((m) => !blank(m.name, m.dose, m.schedule))
      .map((m) => ({ name: m.name.trim(), dose: orUndef(m.dose), schedule: orUndef(m.schedule) })),
    immunizations: draft.immunizations
      .filter((i) => !blank(i.vaccine, i.date))
      .map((i) => ({ vaccine: i.vaccine.trim(), date: orUndef(i.date) })),
    emergencyContacts: draft.emergencyContacts
      .filter((c) => !blank(c.name, c.relationship, c.phone, c.email))
      .map((c) => ({
        name: c.name.trim(),
        relationship: orUndef(c.relationship),
        phone: c.phone.trim(),
        email: orUndef(c.email),
      })),
    organDonor: draft.organDonor === '' ? null : draft.organDonor === 'yes',
    primaryPhysician: physicianBlank
      ? null
      : {
          name: draft.physician.name.trim(),
          organization: orUndef(draft.physician.organization),
          phone: orUndef(draft.physician.phone),
          email: orUndef(draft.physician.email),
        },
    language: orNull(draft.language),
    notes: orNull(draft.notes),
    emergencyFields: orderFields(draft.emergencyFields),
    shareCardWithAssistant: draft.shareCardWithAssistant,
  };
}

/** Drops `undefined` members so JSON comparison and the request body agree. */
function clean(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null));
}

/**
 * The PATCH body: the fields that differ from the saved card, plus height/weight when touched.
 * Not yet validated: run it through `profilePatchSchema`.
 */
export function draftToPatch(draft: CardDraft, card: Card, user: Pick<User, 'displayName'>): Record<string, unknown> {
  const next = fullPatch(draft);
  const base = fullPatch(cardToDraft(card, user));
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(clean(value)) !== JSON.stringify(clean(base[key]))) patch[key] = clean(value);
  }
  if (draft.heightTouched) {
    if (draft.units === 'metric') {
      patch.heightCm = parseNumber(draft.heightCm);
    } else {
      const ft = parseNumber(draft.heightFt);
      const inch = parseNumber(draft.heightIn);
      if (ft === null && inch === null) patch.heightCm = null;
      else {
        if (ft !== null) patch.heightFt = ft;
        if (inch !== null) patch.heightIn = inch;
      }
    }
  }
  if (draft.weightTouched) {
    if (draft.units === 'metric') patch.weightKg = parseNumber(draft.weightKg);
    else {
      const lb = parseNumber(draft.weightLb);
      if (lb === null) patch.weightKg = null;
      else patch.weightLb = lb;
    }
  }
  return patch;
}

/** What the card will look like once the server accepts `patch` (for the optimistic update). */
export function applyPatch(
  card: Card,
  patch: ProfilePatch,
  measured: { heightCm: number | null; weightKg: number | null },
): Card {
  const next: Card = { ...card };
  const target = next as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || key === 'displayName') continue;
    if (['heightCm', 'weightKg', 'heightFt', 'heightIn', 'weightLb'].includes(key)) continue;
    if (key in next) target[key] = value;
  }
  next.heightCm = measured.heightCm;
  next.weightKg = measured.weightKg;
  const bmi = computeBmi({ ...measured, dateOfBirth: next.dateOfBirth });
  next.bmi = bmi.kind === 'ok' ? bmi.bmi : null;
  return next;
}
