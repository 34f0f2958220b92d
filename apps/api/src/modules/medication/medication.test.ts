/**
 * Medication-safety checker: a table of conversations and cards that must (and must not) produce a
 * warning, in EN/DE/FR/ES, with brand names, misspellings and negation; the model-reply check; the
 * extraction of drugs, allergies and conditions; the data files' integrity. Add cases here with
 * every rule or lexicon change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safetyWarningSchema } from '@medichat/shared';
import { createMedicationChecker, type CardFacts, type MedicationContext } from './medication.checker.js';
import { defaultDataFiles, loadMedicationData, MedicationDataError } from './medication.data.js';
import { cases, type Case } from './medication.corpus.test-helpers.js';

const data = loadMedicationData();
const checker = createMedicationChecker(data);
const today = new Date('2026-06-01T12:00:00Z');

const ctx = (c: Case): MedicationContext => ({ card: c.card, messages: c.messages, readings: c.readings, today });

describe('medication checker: conversations and cards', () => {
  for (const [name, c] of cases) {
    it(name, () => {
      const warnings = checker.check(ctx(c));
      const got = warnings.map((w) => `${w.ruleId}:${w.severity}`);
      for (const e of c.expect) {
        const [rule, severity] = e.split(':');
        const w = warnings.find((x) => x.ruleId === rule);
        assert.ok(w, `expected ${e}, got [${got.join(', ')}]`);
        if (severity) assert.equal(w.severity, severity, `${rule} severity`);
      }
      for (const f of c.forbid ?? []) {
        if (f === '*') assert.deepEqual(got, [], 'expected no warning');
        else assert.ok(!warnings.some((w) => w.ruleId === f), `did not expect ${f}, got [${got.join(', ')}]`);
      }
      for (const w of warnings) safetyWarningSchema.parse(w);
    });
  }
});

// ------------------------------------------------------------------ extraction
type Found = [
  text: string,
  conceptId: string,
  role: 'taking' | 'asking' | 'mentioned' | 'allergy' | null,
  negated: boolean,
];
const extractions: Found[] = [
  ["I'm on warfarin", 'warfarin', 'taking', false],
  ['ich nehme Marcumar', 'phenprocoumon', 'taking', false],
  ['je prends du Doliprane', 'paracetamol', 'taking', false],
  ['tomo Adiro todos los días', 'aspirin', 'taking', false],
  ['can I take ibuprofen?', 'ibuprofen', 'asking', false],
  ['is Advil ok', 'ibuprofen', 'asking', false],
  ['kann ich Paracetamol nehmen?', 'paracetamol', 'asking', false],
  ['puis-je prendre du Spasfon et du Dafalgan ?', 'paracetamol', 'asking', false],
  ['¿puedo tomar Nolotil?', 'metamizole', 'asking', false],
  ['allergic to penicillin', 'penicillin', 'allergy', false],
  ['ich bin allergisch gegen Penicillin', 'penicillin', 'allergy', false],
  ['je suis allergique à la pénicilline', 'penicillin', 'allergy', false],
  ['soy alérgico a la penicilina', 'penicillin', 'allergy', false],
  ['Penicillinallergie', 'penicillin', 'allergy', false],
  ['sulfa allergy', 'sulfonamide-antibiotic', 'allergy', false],
  ['I react badly to codeine', 'codeine', 'allergy', false],
  ['allergic to aspirin and ibuprofen', 'ibuprofen', 'allergy', false],
  ["I'm not on warfarin any more", 'warfarin', null, true],
  ['I stopped taking sertraline', 'sertraline', null, true],
  ['no longer taking lisinopril', 'lisinopril', null, true],
  ['Ich nehme kein Ibuprofen mehr', 'ibuprofen', null, true],
  ['Ich nehme Marcumar nicht mehr', 'phenprocoumon', null, true],
  ['je ne prends plus de Kardégic', 'aspirin', null, true],
  ["j'ai arrêté le Lexomil", 'bromazepam', null, true],
  ['ya no tomo omeprazol', 'omeprazole', null, true],
  ['dejé de tomar el Sintrom', 'acenocoumarol', null, true],
  ['never took Xanax', 'alprazolam', null, true],
  ['I am not allergic to penicillin', 'penicillin', 'allergy', true],
  ['ibuprofin', 'ibuprofen', null, false],
  ['ibuprophen', 'ibuprofen', null, false],
  ['warfarine', 'warfarin', null, false],
  ['amoxicilin', 'amoxicillin', null, false],
  ['amoxycilin', 'amoxicillin', null, false],
  ['paracetemol', 'paracetamol', null, false],
  ['acetominophen', 'paracetamol', null, false],
  ['sertaline', 'sertraline', null, false],
  ['metphormin', 'metformin', null, false],
  ['simvastatine', 'simvastatin', null, false],
  ['atorvastin', 'atorvastatin', null, false],
  ['clopidogrol', 'clopidogrel', null, false],
  ['tramadole', 'tramadol', null, false],
  ['levothyroxin', 'levothyroxine', null, false],
  ['neurofen', 'ibuprofen', null, false],
  ['zolpidam', 'zolpidem', null, false],
  ['lisinipril', 'lisinopril', null, false],
  ['omeprazol', 'omeprazole', null, false],
  ['diclofanac', 'diclofenac', null, false],
  ['IBUPROFÈNE', 'ibuprofen', null, false],
  ['Ibuprofen400', 'ibuprofen', null, false],
  ['co-amoxiclav', 'co-amoxiclav', null, false],
  ["St. John's Wort", 'st-johns-wort', null, false],
  ['blood thinners', 'anticoagulant', null, false],
  ['Blutverdünner', 'anticoagulant', null, false],
  ['beta-blockers', 'beta-blocker', null, false],
  ['NSAIDs', 'nsaid', null, false],
  ['AINS', 'nsaid', null, false],
  ['statins', 'statin', null, false],
  ["I'm pregnant", 'pregnancy', null, false],
  ['ich bin schwanger', 'pregnancy', null, false],
  ['je suis enceinte', 'pregnancy', null, false],
  ['estoy embarazada', 'pregnancy', null, false],
  ["I'm not pregnant", 'pregnancy', null, true],
  ['I have kidney disease', 'kidney-disease', null, false],
  ['insuffisance rénale', 'kidney-disease', null, false],
  ['enfermedad hepática', 'liver-disease', null, false],
  ['Leberzirrhose', 'liver-disease', null, false],
  ['I have asthma', 'asthma', null, false],
  ['high blood pressure', 'hypertension', null, false],
  ['Bluthochdruck', 'hypertension', null, false],
  ['hipertensión', 'hypertension', null, false],
  ['stomach ulcer', 'peptic-ulcer', null, false],
  ['ulcère gastrique', 'peptic-ulcer', null, false],
];

describe('medication checker: extraction', () => {
  for (const [text, id, role, negated] of extractions) {
    it(`${JSON.stringify(text)} → ${id}${role ? ` (${role})` : ''}${negated ? ' negated' : ''}`, () => {
      const m = checker.extract(text).mentions.find((x) => x.concept.id === id);
      assert.ok(m, `no ${id} in ${JSON.stringify(checker.extract(text).mentions.map((x) => x.concept.id))}`);
      if (role) assert.equal(m.role, role);
      assert.equal(m.negated, negated);
    });
  }

  it('reads the age a person states', () => {
    assert.equal(checker.extract("I'm 68 and on warfarin").age, 68);
    assert.equal(checker.extract("j'ai 70 ans").age, 70);
    assert.equal(checker.extract('Ich bin 81 Jahre alt').age, 81);
    assert.equal(checker.extract('tengo 66 años').age, 66);
    assert.equal(checker.extract("I'm 12 weeks pregnant").age, null);
  });
});

// Every name in the lexicon, said in four languages, is recognised as its own drug.
const templates = [
  (n: string) => `Can I take ${n}?`,
  (n: string) => `Ich nehme ${n} jeden Tag.`,
  (n: string) => `Je prends du ${n} le matin.`,
  (n: string) => `¿Puedo tomar ${n}?`,
];
describe('medication checker: every lexicon name, EN/DE/FR/ES', () => {
  for (const drug of data.drugs) {
    it(`${drug.id}: ${[...drug.terms, ...drug.brands].length} names`, () => {
      for (const name of [...drug.terms, ...drug.brands]) {
        for (const t of templates) {
          const text = t(name);
          const ids = checker
            .extract(text)
            .mentions.filter((m) => !m.negated)
            .map((m) => m.concept.id);
          assert.ok(ids.includes(drug.id), `${JSON.stringify(text)} gave ${JSON.stringify(ids)}`);
        }
      }
    });
  }
});

// Ordinary sentences name no drug (no false spelling corrections).
const plain = [
  'I have had a headache since yesterday and feel tired.',
  'My daughter has a fever and a runny nose, she is five.',
  'What should I eat to lower my cholesterol?',
  'I feel dizzy when I stand up quickly.',
  'How much water should I drink every day?',
  'I am alive and well, thanks for asking.',
  'My back hurts after lifting boxes at work.',
  'The doctor said my blood test was normal.',
  'I sleep badly and wake up at night.',
  'Can stress cause stomach pain?',
  'I went running this morning and my knee is sore.',
  'My mother is worried about her memory.',
  'Is it normal to feel anxious before an exam?',
  'I have a rash on my arm after gardening.',
  'Please explain what a virus is.',
  'Ich habe seit gestern Kopfschmerzen und Fieber.',
  'Mein Sohn hustet die ganze Nacht.',
  'Wie viel sollte ich am Tag trinken?',
  'Ich fühle mich müde und schwach.',
  'Meine Mutter hat Probleme mit dem Schlaf.',
  "J'ai mal à la tête depuis ce matin.",
  'Mon fils a de la fièvre et il tousse.',
  'Je me sens fatigué après le travail.',
  'Est-ce que le stress peut causer des douleurs ?',
  'Ma mère a mal au dos.',
  'Me duele la cabeza desde ayer.',
  'Mi hija tiene fiebre y tos.',
  'Me siento cansado todo el tiempo.',
  '¿Cuánta agua debo beber al día?',
  'Mi madre tiene problemas para dormir.',
  'Thank you, that was really helpful!',
  'Where is the nearest pharmacy open on Sunday?',
  'I would like to book an appointment with my doctor.',
  'Every evening I walk the dog for an hour.',
  'My brother plays football and hurt his ankle.',
];
describe('medication checker: ordinary sentences name no drug', () => {
  for (const text of plain) {
    it(JSON.stringify(text), () => {
      const found = checker
        .extract(text)
        .mentions.filter((m) => m.concept.kind !== 'condition')
        .map((m) => m.term);
      assert.deepEqual(found, []);
    });
  }
});

// ------------------------------------------------------------------ the model's reply
type ReplyCase = [name: string, reply: string, context: Case, expect: string[], forbid?: string[]];
const warfarinCard: Case = {
  card: { age: 68, medications: [{ name: 'warfarin' }] },
  messages: ['I have a bad headache'],
  expect: [],
};
const penicillinCard: Case = {
  card: { allergies: [{ substance: 'penicillin' }] },
  messages: ['I have a sore throat'],
  expect: [],
};
const replies: ReplyCase[] = [
  [
    '"you can take ibuprofen" with warfarin on the card',
    'You can take ibuprofen for the headache.',
    warfarinCard,
    ['anticoagulant-nsaid', 'older-nsaid'],
  ],
  ['"try Advil"', 'Try Advil, 200 mg, with food.', warfarinCard, ['anticoagulant-nsaid']],
  ['DE "nimm Ibuprofen"', 'Nimm Ibuprofen 400 mg nach dem Essen.', warfarinCard, ['anticoagulant-nsaid']],
  [
    'FR "vous pouvez prendre de l\'ibuprofène"',
    "Vous pouvez prendre de l'ibuprofène.",
    warfarinCard,
    ['anticoagulant-nsaid'],
  ],
  ['ES "puedes tomar ibuprofeno"', 'Puedes tomar ibuprofeno cada 8 horas.', warfarinCard, ['anticoagulant-nsaid']],
  [
    'aspirin recommended although never named by the user',
    'An aspirin may help with the pain.',
    warfarinCard,
    ['anticoagulant-nsaid'],
  ],
  [
    'amoxicillin "could help" with a penicillin allergy',
    'Amoxicillin could help if it is a bacterial infection.',
    penicillinCard,
    ['allergy-same-substance:contraindicated'],
  ],
  [
    'Augmentin with a penicillin allergy',
    'Your doctor may prescribe Augmentin.',
    penicillinCard,
    ['allergy-same-substance'],
  ],
  [
    'reply advises against ibuprofen',
    'Avoid ibuprofen because of your warfarin; paracetamol is usually safer.',
    warfarinCard,
    ['warfarin-paracetamol-regular'],
    ['anticoagulant-nsaid'],
  ],
  ['"do not take ibuprofen"', 'Do not take ibuprofen or aspirin.', warfarinCard, [], ['*']],
  ['"instead of ibuprofen"', 'Instead of ibuprofen, rest and drink water.', warfarinCard, [], ['*']],
  ['"ibuprofen is not recommended"', 'Ibuprofen is not recommended for you.', warfarinCard, [], ['*']],
  ['DE "Ibuprofen vermeiden"', 'Bitte Ibuprofen vermeiden.', warfarinCard, [], ['*']],
  ['FR "évitez l\'ibuprofène"', "Évitez l'ibuprofène.", warfarinCard, [], ['*']],
  ['ES "evite el ibuprofeno"', 'Evite el ibuprofeno.', warfarinCard, [], ['*']],
  ['no drug in the reply', 'Rest, drink fluids and see a doctor if it gets worse.', warfarinCard, [], ['*']],
  ['reply recommends a drug without conflict', 'Cetirizine can help with hay fever.', warfarinCard, [], ['*']],
  [
    'pregnancy said in conversation, reply suggests ibuprofen',
    'Ibuprofen should ease the pain.',
    { messages: ['I am 30 weeks pregnant and my back hurts'], expect: [] },
    ['pregnancy-nsaid'],
  ],
  [
    'high blood pressure reading, reply suggests Sudafed',
    'You could use Sudafed for the congestion.',
    { readings: { systolic: 165, diastolic: 100 }, messages: ['blocked nose'], expect: [] },
    ['hypertension-decongestant'],
  ],
  [
    'reply-only: two NSAIDs recommended together',
    'Take ibuprofen and naproxen together for stronger relief.',
    { expect: [] },
    ['two-nsaids'],
  ],
  [
    'only warnings about the drugs the reply names',
    'Paracetamol is fine for the headache.',
    { card: { medications: [{ name: 'warfarin' }, { name: 'aspirin' }] }, expect: [] },
    ['warfarin-paracetamol-regular'],
    ['anticoagulant-nsaid'],
  ],
  [
    'reply: tramadol with sertraline from the conversation',
    'Tramadol is an option for severe pain.',
    { messages: ['I take sertraline'], expect: [] },
    ['tramadol-serotonergic'],
  ],
  [
    'reply: Viagra with nitrates on the card',
    'Viagra is commonly used for this.',
    { card: { medications: [{ name: 'GTN spray' }] }, expect: [] },
    ['pde5-nitrate'],
  ],
  [
    'reply: clarithromycin with simvastatin',
    'A course of clarithromycin is often prescribed.',
    { card: { medications: [{ name: 'simvastatin' }] }, expect: [] },
    ['simvastatin-strong-inhibitors'],
  ],
  [
    'reply: diazepam at 75',
    'Diazepam can help you sleep.',
    { card: { age: 75 }, expect: [] },
    ['older-benzodiazepine'],
  ],
];
describe('medication checker: the model reply', () => {
  for (const [name, reply, c, expect, forbid] of replies) {
    it(name, () => {
      const warnings = checker.checkReply(reply, ctx(c));
      const got = warnings.map((w) => w.ruleId);
      for (const e of expect) {
        const [rule, severity] = e.split(':');
        const w = warnings.find((x) => x.ruleId === rule);
        assert.ok(w, `expected ${e}, got [${got.join(', ')}]`);
        if (severity) assert.equal(w.severity, severity);
      }
      for (const f of forbid ?? []) {
        if (f === '*') assert.deepEqual(got, []);
        else assert.ok(!got.includes(f), `did not expect ${f}, got [${got.join(', ')}]`);
      }
    });
  }
});

// ------------------------------------------------------------------ output shape
describe('medication checker: warnings', () => {
  it('are deduplicated: the same drug from the card, a brand and a misspelling is one warning', () => {
    const warnings = checker.check({
      card: { medications: [{ name: 'warfarin' }, { name: 'Coumadin 5mg' }] },
      messages: ['I take warfarine', 'can I take ibuprofen?', 'or Advil? or ibuprofin?'],
    });
    assert.equal(warnings.filter((w) => w.ruleId === 'anticoagulant-nsaid').length, 1);
  });

  it('are ordered by severity and carry what, why, advice and a source', () => {
    const warnings = checker.check({
      card: { age: 70, pregnant: false, allergies: [{ substance: 'aspirin' }], medications: [{ name: 'warfarin' }] },
      messages: ['Can I take ibuprofen?'],
    });
    const ranks = warnings.map((w) => ['contraindicated', 'major', 'moderate', 'minor'].indexOf(w.severity));
    assert.deepEqual(
      ranks,
      [...ranks].sort((a, b) => a - b),
    );
    assert.equal(warnings[0]!.kind, 'drug-allergy');
    for (const w of warnings) {
      safetyWarningSchema.parse(w);
      assert.ok(w.source.name.length > 3 && w.source.url?.startsWith('https://'));
      assert.ok(w.drugs.includes('ibuprofen'));
    }
  });

  it('name the brand the person used', () => {
    const [w] = checker.check({ messages: ["I'm on Marcumar. Is Nurofen ok?"] });
    assert.match(w!.what, /Marcumar \(phenprocoumon\)/);
    assert.match(w!.what, /Nurofen \(ibuprofen\)/);
  });

  it('never throw on odd input', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'abcdefghijklmnopqrstuvwxyzäöüßéèàçñ  ..,,??!!\'"-()0123456789💊\u0000\u202e';
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(rand() * 200);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
      checker.check({
        messages: [s],
        card: { medications: [{ name: s || 'x' }], allergies: [{ substance: s || 'x' }] },
      });
      checker.checkReply(s, { messages: [s] });
    }
    const weird = {
      medications: [{ name: 42 }, null, { name: '' }],
      allergies: [{}, { substance: ['penicillin'] }],
      conditions: 'asthma',
      age: 'old',
      dateOfBirth: 'yesterday',
    } as unknown as CardFacts;
    assert.doesNotThrow(() => checker.check({ card: weird, messages: [null, 7, 'ibuprofen'] as unknown as string[] }));
    assert.doesNotThrow(() => checker.check({ messages: ['warfarin ibuprofen '.repeat(5000)] }));
  });
});

// ------------------------------------------------------------------ the data
describe('medication data', () => {
  it('every rule names a source that exists, with a name and an address', () => {
    const sources = new Map(data.sources.map((s) => [s.id, s]));
    assert.ok(data.rules.length >= 100);
    for (const r of data.rules) {
      const s = sources.get(r.source);
      assert.ok(s, `${r.id}: source ${r.source}`);
      assert.ok(s.name.length > 5 && s.url, `${r.id}: source needs a name and url`);
      assert.ok(r.why.length > 20 && r.advice.length > 15, `${r.id}: why/advice`);
    }
  });

  it('every source is used by a rule', () => {
    const used = new Set(data.rules.map((r) => r.source));
    assert.deepEqual(
      data.sources.filter((s) => !used.has(s.id)).map((s) => s.id),
      [],
    );
  });

  it('covers the classes the brief names', () => {
    const classes = new Set(data.classes.map((c) => c.id));
    for (const c of [
      'nsaid',
      'penicillin',
      'cephalosporin',
      'sulfonamide-antibiotic',
      'macrolide',
      'fluoroquinolone',
      'ssri',
      'snri',
      'maoi',
      'triptan',
      'statin',
      'acei',
      'arb',
      'anticoagulant',
      'antiplatelet',
      'opioid',
      'benzodiazepine',
      'decongestant',
      'beta-blocker',
      'nitrate',
    ])
      assert.ok(classes.has(c), c);
  });

  const broken = (part: keyof typeof defaultDataFiles, mutate: (rows: Array<Record<string, unknown>>) => void) => {
    const rows = structuredClone(defaultDataFiles[part].data) as Array<Record<string, unknown>>;
    mutate(rows);
    return { ...defaultDataFiles, [part]: { file: defaultDataFiles[part].file, data: rows } };
  };
  const fails = (files: typeof defaultDataFiles, file: string, path: string) =>
    assert.throws(
      () => loadMedicationData(files),
      (e: unknown) =>
        e instanceof MedicationDataError && e.file === file && e.path === path && e.message.includes(file),
    );

  it('a drug without a name fails, naming the file and path', () =>
    fails(
      broken('drugs', (rows) => delete rows[3]!.name),
      'medication.drugs.ts',
      '[3].name',
    ));
  it('a rule with an unknown severity fails', () =>
    fails(
      broken('rules', (rows) => (rows[5]!.severity = 'deadly')),
      'medication.rules.ts',
      '[5].severity',
    ));
  it('a rule naming an unknown drug fails', () =>
    fails(
      broken(
        'rules',
        (rows) => ((rows.find((r) => r.id === 'anticoagulant-nsaid')!.groups as string[][])[1]![0] = 'ibuprofn'),
      ),
      'medication.rules.ts',
      `[${(defaultDataFiles.rules.data as Array<{ id: string }>).findIndex((r) => r.id === 'anticoagulant-nsaid')}].groups[1][0]`,
    ));
  it('a rule naming an unknown source fails', () =>
    fails(
      broken('rules', (rows) => (rows[0]!.source = 'my-blog')),
      'medication.rules.ts',
      '[0].source',
    ));
  it('a drug in an unknown class fails', () =>
    fails(
      broken('drugs', (rows) => (rows[0]!.classes = ['nsaid', 'painkiller'])),
      'medication.drugs.ts',
      '[0].classes[1]',
    ));
  it('a duplicate id fails', () =>
    fails(
      broken('conditions', (rows) => (rows[1]!.id = rows[0]!.id)),
      'medication.conditions.ts',
      '[1].id',
    ));
  it('a source with a bad URL fails', () =>
    fails(
      broken('sources', (rows) => (rows[2]!.url = 'not a url')),
      'medication.sources.ts',
      '[2].url',
    ));
  it('a class that is its own ancestor fails', () =>
    fails(
      broken('classes', (rows) => (rows.find((c) => c.id === 'beta-lactam')!.parents = ['penicillin'])),
      'medication.classes.ts',
      `[${(defaultDataFiles.classes.data as Array<{ id: string }>).findIndex((c) => c.id === 'beta-lactam')}].parents`,
    ));
  it('a file that is not a list fails', () =>
    fails({ ...defaultDataFiles, rules: { file: 'medication.rules.ts', data: {} } }, 'medication.rules.ts', ''));
});

describe('highRisk: card medicines a responder must know about (emergency view)', () => {
  it('flags an anticoagulant by brand and by name, insulin and an opioid, and leaves a statin alone', () => {
    const flagged = checker.highRisk(['Atorvastatin 20 mg', 'Warfarin', 'Eliquis', 'Insulin glargine', 'morphine']);
    assert.deepEqual(
      flagged.map((f) => f.medication),
      ['Warfarin', 'Eliquis', 'Insulin glargine', 'morphine'],
    );
    assert.ok(
      flagged[0]!.reasons.some((r) => /anticoagulant/.test(r)),
      JSON.stringify(flagged[0]),
    );
    assert.ok(
      flagged[1]!.reasons.some((r) => /anticoagulant/.test(r)),
      JSON.stringify(flagged[1]),
    );
    assert.ok(
      flagged[3]!.reasons.some((r) => /opioid/.test(r)),
      JSON.stringify(flagged[3]),
    );
  });

  it('returns nothing for an empty or unknown list', () => {
    assert.deepEqual(checker.highRisk([]), []);
    assert.deepEqual(checker.highRisk(['vitamin sunshine']), []);
  });
});
