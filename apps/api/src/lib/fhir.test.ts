/**
 * The FHIR export checked two ways: against the FHIR R4 rules we can check offline (required
 * elements, value sets, code systems and units, the JSON rules, references resolving inside the
 * bundle), and with a real validator: the pydantic models of `fhir.resources` 6.4.0 (FHIR 4.0.1)
 * in a cached virtualenv. That second check is skipped, saying why, when PyPI cannot be reached to
 * set the virtualenv up.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Card } from '@medichat/shared';
import { cardToFhirBundle, LOINC, UCUM, type FhirBundle } from './fhir.js';

const card: Omit<Card, 'qrVersion'> & { measuredAt: string } = {
  name: 'Ada Lovelace',
  dateOfBirth: '1985-12-10',
  sex: 'intersex',
  bloodType: 'AB+',
  heightCm: 170,
  weightKg: 65,
  bmi: { value: 22.5, category: 'normal' },
  measuredAt: '2025-01-02T03:04:05.678Z',
  allergies: [
    { substance: 'Penicillin', reaction: 'Hives', severity: 'severe' },
    { substance: 'Peanuts', severity: 'mild' },
    { substance: 'Dust' },
  ],
  conditions: [{ name: 'Asthma', since: '1999-04-01', notes: 'exercise-induced' }, { name: 'Migraine' }],
  medications: [{ name: 'Salbutamol', dose: '100 µg', schedule: 'as needed' }, { name: 'Vitamin D' }],
  immunizations: [{ vaccine: 'Tetanus', date: '2020-05-01' }, { vaccine: 'MMR' }],
  emergencyContacts: [
    { name: 'Charles Babbage', relationship: 'friend', phone: '+44 20 7946 0000', email: 'cb@example.org' },
  ],
  organDonor: true,
  primaryPhysician: { name: 'Dr Mary Somerville', organization: 'Marylebone Practice' },
  language: 'en-GB',
  notes: 'Carries an inhaler',
  emergencyFields: ['bloodType'],
  shareCardWithAssistant: false,
  updatedAt: '2025-01-03T00:00:00.000Z',
};

const DATE = /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$/;
const DATETIME =
  /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$/;
const INSTANT =
  /^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$/;
const URN_UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Json = Record<string, unknown>;

/** FHIR JSON: no null, no empty string, array or object anywhere. Returns the offending paths. */
function jsonRuleViolations(value: unknown, path = '$'): string[] {
  if (value === null) return [path];
  if (typeof value === 'string') return value.trim() === '' ? [path] : [];
  if (Array.isArray(value))
    return value.length === 0 ? [path] : value.flatMap((v, i) => jsonRuleViolations(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    const entries = Object.entries(value as Json);
    return entries.length === 0 ? [path] : entries.flatMap(([k, v]) => jsonRuleViolations(v, `${path}.${k}`));
  }
  return [];
}

function collect(value: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) value.forEach((v) => collect(v, key, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Json)) {
      if (k === key) out.push(v);
      collect(v, key, out);
    }
  }
  return out;
}

function resources(bundle: FhirBundle, type: string): Json[] {
  return bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === type);
}

/** The R4 rules we can check without a validator; returns every problem found. */
function r4Problems(bundle: FhirBundle): string[] {
  const problems: string[] = [];
  const need = (ok: unknown, what: string) => {
    if (!ok) problems.push(what);
  };
  need(bundle.resourceType === 'Bundle', 'Bundle.resourceType');
  need(
    [
      'document',
      'message',
      'transaction',
      'transaction-response',
      'batch',
      'batch-response',
      'history',
      'searchset',
      'collection',
    ].includes(bundle.type),
    'Bundle.type value set',
  );
  need(INSTANT.test(bundle.timestamp), 'Bundle.timestamp is an instant');
  problems.push(...jsonRuleViolations(bundle).map((p) => `JSON rule (no null/empty) at ${p}`));
  const urls = bundle.entry.map((e) => e.fullUrl);
  need(new Set(urls).size === urls.length, 'bdl-7: fullUrl unique');
  for (const u of urls) need(URN_UUID.test(u), `fullUrl ${u} is a urn:uuid`);
  for (const ref of collect(bundle, 'reference'))
    need(typeof ref === 'string' && urls.includes(ref), `reference ${String(ref)} resolves in the bundle`);
  const codeSystems = [
    ...(collect(bundle, 'coding') as Json[][]).flat(),
    ...(collect(bundle, 'valueQuantity') as Json[]),
    ...(collect(bundle, 'identifier') as Json[][]).flat(),
  ].map((c) => c.system);
  for (const system of codeSystems)
    need(
      typeof system === 'string' && /^(https?:\/\/|urn:)/.test(system),
      `system ${String(system)} is an absolute URI`,
    );
  for (const t of (collect(bundle, 'telecom') as Json[][]).flat()) {
    need(
      ['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other'].includes(t.system as string),
      `ContactPoint.system ${String(t.system)}`,
    );
  }

  const [patient, ...others] = resources(bundle, 'Patient');
  need(patient && others.length === 0, 'exactly one Patient');
  if (patient) {
    need(['male', 'female', 'other', 'unknown'].includes(patient.gender as string), 'Patient.gender value set');
    need(DATE.test(patient.birthDate as string), 'Patient.birthDate is a date');
  }
  const subjectOk = (r: Json, field: string) =>
    need((r[field] as Json)?.reference === bundle.entry[0]!.fullUrl, `${r.resourceType}.${field} is the Patient`);
  for (const a of resources(bundle, 'AllergyIntolerance')) {
    subjectOk(a, 'patient');
    need((a.code as Json)?.text, 'AllergyIntolerance.code');
    need(
      (a.clinicalStatus as { coding: Json[] }).coding[0]!.system ===
        'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
      'ait clinicalStatus system',
    );
    if (a.criticality)
      need(['low', 'high', 'unable-to-assess'].includes(a.criticality as string), 'criticality value set');
    for (const r of (a.reaction as Json[] | undefined) ?? []) {
      need(Array.isArray(r.manifestation) && (r.manifestation as unknown[]).length > 0, 'reaction.manifestation 1..*');
      if (r.severity)
        need(['mild', 'moderate', 'severe'].includes(r.severity as string), 'reaction.severity value set');
    }
  }
  for (const c of resources(bundle, 'Condition')) {
    subjectOk(c, 'subject');
    need(
      (c.clinicalStatus as { coding: Json[] }).coding[0]!.system ===
        'http://terminology.hl7.org/CodeSystem/condition-clinical',
      'con clinicalStatus system',
    );
    if (c.onsetDateTime) need(DATETIME.test(c.onsetDateTime as string), 'Condition.onsetDateTime');
  }
  for (const m of resources(bundle, 'MedicationStatement')) {
    subjectOk(m, 'subject');
    need(
      ['active', 'completed', 'entered-in-error', 'intended', 'stopped', 'on-hold', 'unknown', 'not-taken'].includes(
        m.status as string,
      ),
      'MedicationStatement.status',
    );
    need(m.medicationCodeableConcept || m.medicationReference, 'MedicationStatement.medication[x] 1..1');
  }
  for (const i of resources(bundle, 'Immunization')) {
    subjectOk(i, 'patient');
    need(['completed', 'entered-in-error', 'not-done'].includes(i.status as string), 'Immunization.status');
    need(i.vaccineCode, 'Immunization.vaccineCode');
    need(i.occurrenceDateTime || i.occurrenceString, 'Immunization.occurrence[x] 1..1');
  }
  for (const o of resources(bundle, 'Observation')) {
    subjectOk(o, 'subject');
    need(['registered', 'preliminary', 'final', 'amended'].includes(o.status as string), 'Observation.status');
    need(DATETIME.test(o.effectiveDateTime as string), 'Observation.effectiveDateTime');
    const coding = (o.code as { coding: Json[] }).coding[0]!;
    need(coding.system === LOINC, 'Observation.code is LOINC');
  }
  return problems;
}

function vital(bundle: FhirBundle, loinc: string): Json {
  const o = resources(bundle, 'Observation').find((r) => (r.code as { coding: Json[] }).coding[0]!.code === loinc);
  assert.ok(o, `Observation ${loinc}`);
  return o;
}

describe('FHIR R4 export', () => {
  const bundle = cardToFhirBundle({
    userId: 'u-123',
    email: 'ada@example.org',
    card,
    now: new Date('2025-02-01T10:00:00Z'),
  });

  it('passes the R4 rules checkable offline', () => {
    assert.deepEqual(r4Problems(bundle), []);
  });

  it('has one resource per card entry, each pointing at the Patient', () => {
    const count = (t: string) => resources(bundle, t).length;
    assert.equal(bundle.entry[0]!.resource.resourceType, 'Patient');
    assert.equal(count('AllergyIntolerance'), 3);
    assert.equal(count('Condition'), 2);
    assert.equal(count('MedicationStatement'), 2);
    assert.equal(count('Immunization'), 2);
    assert.equal(count('Observation'), 4, 'height, weight, BMI, blood group');
    const patient = bundle.entry[0]!.resource;
    assert.equal(patient.gender, 'other', 'intersex maps to other');
    assert.deepEqual(patient.name, [{ text: 'Ada Lovelace' }]);
  });

  it('vital signs use LOINC codes, UCUM units and the vital-signs category', () => {
    for (const [code, value, unit] of [
      ['8302-2', 170, 'cm'],
      ['29463-7', 65, 'kg'],
      ['39156-5', 22.5, 'kg/m2'],
    ] as const) {
      const o = vital(bundle, code);
      assert.deepEqual(o.valueQuantity, { value, unit, system: UCUM, code: unit });
      assert.equal((o.category as Array<{ coding: Json[] }>)[0]!.coding[0]!.code, 'vital-signs');
      assert.equal(o.status, 'final');
      assert.equal(o.effectiveDateTime, card.measuredAt);
    }
  });

  it('an empty card is still a valid bundle (Patient only)', () => {
    const empty = cardToFhirBundle({
      userId: 'u-1',
      card: {
        ...card,
        name: null,
        dateOfBirth: null,
        sex: null,
        bloodType: null,
        heightCm: null,
        weightKg: null,
        bmi: null,
        allergies: [],
        conditions: [],
        medications: [],
        immunizations: [],
        emergencyContacts: [],
        primaryPhysician: null,
        language: null,
      },
    });
    assert.equal(empty.entry.length, 1);
    assert.deepEqual(
      r4Problems(empty).filter((p) => !p.startsWith('Patient.')),
      [],
    );
  });

  it('the offline checks do catch broken bundles', () => {
    const broken = structuredClone(bundle);
    delete broken.entry[1]!.resource.patient;
    (broken.entry[2]!.resource as Json).subject = { reference: 'urn:uuid:00000000-0000-0000-0000-000000000000' };
    (broken.entry[0]!.resource as Json).telecom = [];
    assert.ok(r4Problems(broken).length >= 3);
  });

  it('a FHIR R4 validator (fhir.resources 6.4.0, FHIR 4.0.1) accepts it and rejects a broken one', (t) => {
    const python = fhirValidatorPython();
    if (!python.ok) {
      t.skip(python.reason);
      return;
    }
    const run = (b: unknown) =>
      spawnSync(python.bin, ['-c', VALIDATE_PY], { input: JSON.stringify(b), encoding: 'utf8', timeout: 120_000 });
    const good = run(bundle);
    assert.equal(good.status, 0, good.stderr + good.stdout);
    assert.match(good.stdout, /valid FHIR 4\.0\.1 Bundle with 14 entries/);
    const broken = structuredClone(bundle);
    delete (vital(broken, '8302-2') as Json).status;
    const bad = run(broken);
    assert.notEqual(bad.status, 0, 'a missing Observation.status is refused');
    assert.match(bad.stderr + bad.stdout, /status/);
  });
});

const VALIDATE_PY = `
import json, sys
import fhir.resources
from fhir.resources import construct_fhir_element
from fhir.resources.bundle import Bundle
data = json.load(sys.stdin)
b = Bundle.parse_obj(data)
for e in data["entry"]:
    construct_fhir_element(e["resource"]["resourceType"], e["resource"])
print("valid FHIR %s Bundle with %d entries" % (fhir.resources.__fhir_version__, len(b.entry)))
`;

/** A Python with fhir.resources 6.4.0 (pydantic 1): a cached virtualenv, made once. */
function fhirValidatorPython(): { ok: true; bin: string } | { ok: false; reason: string } {
  const cache = process.env.MEDICHAT_CACHE ?? join(homedir(), '.cache', 'medichat');
  const venv = join(cache, 'venvs', 'fhir-resources-6.4.0');
  const bin = join(venv, 'bin', 'python');
  const check = () =>
    spawnSync(bin, ['-c', 'import fhir.resources as f; assert f.__fhir_version__ == "4.0.1"'], { encoding: 'utf8' });
  if (existsSync(bin) && check().status === 0) return { ok: true, bin };
  mkdirSync(join(cache, 'venvs'), { recursive: true });
  const mk = spawnSync('python3', ['-m', 'venv', venv], { encoding: 'utf8' });
  if (mk.status !== 0) return { ok: false, reason: `cannot create a virtualenv: ${mk.stderr || mk.error}` };
  const pip = spawnSync(
    join(venv, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', 'fhir.resources==6.4.0', 'pydantic[email]>=1.10,<2'],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (pip.status !== 0)
    return {
      ok: false,
      reason: `cannot install fhir.resources from PyPI: ${(pip.stderr || String(pip.error)).slice(0, 500)}`,
    };
  return check().status === 0
    ? { ok: true, bin }
    : { ok: false, reason: 'fhir.resources installed but does not import' };
}
