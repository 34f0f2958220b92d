/**
 * The medical card as a FHIR R4 (4.0.1) Bundle of type `collection`: one Patient, and for each card
 * entry an AllergyIntolerance, Condition, MedicationStatement or Immunization; vital-sign
 * Observations for height (LOINC 8302-2), weight (29463-7) and BMI (39156-5) in UCUM units, and
 * the ABO/Rh group (LOINC 882-1). Every resource refers to the Patient by its `urn:uuid:` fullUrl,
 * so references resolve inside the bundle. Free-text entries are CodeableConcepts with `text` only:
 * a card holds what the person typed, and we do not invent codes for it.
 */
import { randomUUID } from 'node:crypto';
import type { Card } from '@medichat/shared';

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
export const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
export const VITAL_SIGNS_PROFILE = 'http://hl7.org/fhir/StructureDefinition/vitalsigns';
export const BCP47 = 'urn:ietf:bcp:47';

type Json = Record<string, unknown>;

export interface FhirResource extends Json {
  resourceType: string;
}

export interface FhirBundle {
  resourceType: 'Bundle';
  id: string;
  meta: { lastUpdated: string };
  type: 'collection';
  timestamp: string;
  entry: Array<{ fullUrl: string; resource: FhirResource }>;
}

export interface FhirExportInput {
  userId: string;
  email?: string;
  card: Omit<Card, 'qrVersion'> & { measuredAt?: string | null };
  now?: Date;
}

const GENDER: Record<NonNullable<Card['sex']>, string> = {
  female: 'female',
  male: 'male',
  intersex: 'other',
  other: 'other',
  unknown: 'unknown',
};

const text = (t: string) => ({ text: t });

function vital(
  patientRef: string,
  code: string,
  display: string,
  value: number,
  unit: string,
  ucum: string,
  effective: string,
): FhirResource {
  return {
    resourceType: 'Observation',
    meta: { profile: [VITAL_SIGNS_PROFILE] },
    status: 'final',
    category: [
      { coding: [{ system: OBSERVATION_CATEGORY, code: 'vital-signs', display: 'Vital Signs' }], text: 'Vital Signs' },
    ],
    code: { coding: [{ system: LOINC, code, display }], text: display },
    subject: { reference: patientRef },
    effectiveDateTime: effective,
    valueQuantity: { value, unit, system: UCUM, code: ucum },
  };
}

export function cardToFhirBundle(input: FhirExportInput): FhirBundle {
  const now = (input.now ?? new Date()).toISOString();
  const { card } = input;
  const patientUrl = `urn:uuid:${randomUUID()}`;
  const subject = { reference: patientUrl };
  const entries: FhirResource[] = [];

  const patient: FhirResource = {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:medichat:user', value: input.userId }],
    active: true,
  };
  if (card.name) patient.name = [{ text: card.name }];
  const telecom = input.email ? [{ system: 'email', value: input.email, use: 'home' }] : [];
  if (telecom.length) patient.telecom = telecom;
  if (card.sex) patient.gender = GENDER[card.sex];
  if (card.dateOfBirth) patient.birthDate = card.dateOfBirth;
  if (card.emergencyContacts.length) {
    patient.contact = card.emergencyContacts.map((c) => ({
      relationship: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/v2-0131', code: 'C', display: 'Emergency Contact' },
          ],
          ...(c.relationship ? { text: c.relationship } : {}),
        },
      ],
      name: { text: c.name },
      telecom: [{ system: 'phone', value: c.phone }, ...(c.email ? [{ system: 'email', value: c.email }] : [])],
    }));
  }
  if (card.language) {
    patient.communication = [
      { language: { coding: [{ system: BCP47, code: card.language }], text: card.language }, preferred: true },
    ];
  }
  if (card.primaryPhysician) {
    // A Reference may carry only a display; we hold no Practitioner record to point at.
    const p = card.primaryPhysician;
    patient.generalPractitioner = [{ display: [p.name, p.organization].filter(Boolean).join(', ') }];
  }

  for (const a of card.allergies) {
    const r: FhirResource = {
      resourceType: 'AllergyIntolerance',
      clinicalStatus: { coding: [{ system: ALLERGY_CLINICAL, code: 'active', display: 'Active' }] },
      code: text(a.substance),
      patient: subject,
      recordedDate: card.updatedAt,
    };
    if (a.severity) r.criticality = a.severity === 'severe' ? 'high' : 'low';
    if (a.reaction) {
      r.reaction = [{ manifestation: [text(a.reaction)], ...(a.severity ? { severity: a.severity } : {}) }];
    }
    entries.push(r);
  }
  for (const c of card.conditions) {
    const r: FhirResource = {
      resourceType: 'Condition',
      clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: 'active', display: 'Active' }] },
      code: text(c.name),
      subject,
    };
    if (c.since) r.onsetDateTime = c.since;
    if (c.notes) r.note = [{ text: c.notes }];
    entries.push(r);
  }
  for (const m of card.medications) {
    const r: FhirResource = {
      resourceType: 'MedicationStatement',
      status: 'active',
      medicationCodeableConcept: text(m.name),
      subject,
      dateAsserted: card.updatedAt,
    };
    const dosage = [m.dose, m.schedule].filter(Boolean).join(', ');
    if (dosage) r.dosage = [{ text: dosage }];
    entries.push(r);
  }
  for (const i of card.immunizations) {
    entries.push({
      resourceType: 'Immunization',
      status: 'completed',
      vaccineCode: text(i.vaccine),
      patient: subject,
      ...(i.date ? { occurrenceDateTime: i.date } : { occurrenceString: 'date not recorded' }),
    });
  }

  const measured = card.measuredAt ?? card.updatedAt;
  if (card.heightCm != null)
    entries.push(vital(patientUrl, '8302-2', 'Body height', card.heightCm, 'cm', 'cm', measured));
  if (card.weightKg != null)
    entries.push(vital(patientUrl, '29463-7', 'Body weight', card.weightKg, 'kg', 'kg', measured));
  if (card.bmi) {
    entries.push(
      vital(patientUrl, '39156-5', 'Body mass index (BMI) [Ratio]', card.bmi.value, 'kg/m2', 'kg/m2', measured),
    );
  }
  if (card.bloodType) {
    entries.push({
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: 'laboratory', display: 'Laboratory' }] }],
      code: { coding: [{ system: LOINC, code: '882-1', display: 'ABO and Rh group [Type] in Blood' }] },
      subject,
      effectiveDateTime: card.updatedAt,
      valueCodeableConcept: text(card.bloodType),
    });
  }

  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    meta: { lastUpdated: now },
    type: 'collection',
    timestamp: now,
    entry: [
      { fullUrl: patientUrl, resource: patient },
      ...entries.map((resource) => ({ fullUrl: `urn:uuid:${randomUUID()}`, resource })),
    ],
  };
}
