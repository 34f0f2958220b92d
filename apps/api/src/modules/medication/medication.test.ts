/**
 * Medication-safety checker: a table of conversations and cards that must (and must not) produce a
 * warning, in EN/DE/FR/ES, with brand names, misspellings and negation; the model-reply check; the
 * extraction of drugs, allergies and conditions; the data files' integrity. Add cases here with
 * every rule or lexicon change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safetyWarningSchema } from '@medichat/shared';
import {
  createMedicationChecker,
  type CardFacts,
  type MedicationContext,
  type Readings,
} from './medication.checker.js';
import { defaultDataFiles, loadMedicationData, MedicationDataError } from './medication.data.js';

const data = loadMedicationData();
const checker = createMedicationChecker(data);
const today = new Date('2026-06-01T12:00:00Z');

interface Case {
  card?: CardFacts;
  messages?: string[];
  readings?: Readings;
  /** Rule ids that must fire (with the given severity when written `id:severity`). */
  expect: string[];
  /** Rule ids that must not fire; `*` = no warning at all. */
  forbid?: string[];
}

const ctx = (c: Case): MedicationContext => ({ card: c.card, messages: c.messages, readings: c.readings, today });

// ------------------------------------------------------------------ conversation + card cases
const cases: Array<[name: string, c: Case]> = [
  // the journeys of issue 7
  [
    '68-year-old on warfarin (card) asks about ibuprofen',
    {
      card: { age: 68, medications: [{ name: 'Warfarin', dose: '5 mg' }] },
      messages: ['Can I take ibuprofen for my back pain?'],
      expect: ['anticoagulant-nsaid:major', 'older-nsaid'],
    },
  ],
  [
    'penicillin allergy (card) asks about amoxicillin',
    {
      card: { allergies: [{ substance: 'Penicillin', severity: 'severe' }] },
      messages: ['Would amoxicillin help my sore throat?'],
      expect: ['allergy-same-substance:contraindicated'],
    },
  ],
  // anticoagulants / bleeding
  [
    'guest says warfarin, asks about Advil',
    { messages: ["I'm on warfarin. Is Advil ok for a headache?"], expect: ['anticoagulant-nsaid'] },
  ],
  [
    'DE: Marcumar und Ibuprofen',
    { messages: ['Ich nehme Marcumar. Darf ich Ibuprofen nehmen?'], expect: ['anticoagulant-nsaid'] },
  ],
  [
    'FR: Sintrom et Nurofen',
    { messages: ['Je prends du Sintrom, est-ce que je peux prendre du Nurofen ?'], expect: ['anticoagulant-nsaid'] },
  ],
  [
    'ES: Sintrom y ibuprofeno',
    { messages: ['Tomo Sintrom. ¿Puedo tomar ibuprofeno?'], expect: ['anticoagulant-nsaid'] },
  ],
  [
    'misspelled: warfarine + ibuprofin',
    { messages: ['i take warfarine, can i take ibuprofin'], expect: ['anticoagulant-nsaid'] },
  ],
  ['Eliquis and naproxen', { messages: ['I take Eliquis for AF. Is Aleve safe?'], expect: ['anticoagulant-nsaid'] }],
  ['Xarelto and aspirin', { messages: ['on xarelto, can I take an aspirin'], expect: ['anticoagulant-nsaid'] }],
  [
    'Pradaxa and diclofenac gel asked',
    { messages: ['I take Pradaxa; can I use Voltaren?'], expect: ['anticoagulant-nsaid'] },
  ],
  [
    'warfarin + clopidogrel on card',
    { card: { medications: [{ name: 'warfarin' }, { name: 'Plavix 75mg' }] }, expect: ['anticoagulant-antiplatelet'] },
  ],
  [
    'warfarin + apixaban',
    {
      card: { medications: [{ name: 'Coumadin' }, { name: 'Eliquis 5 mg' }] },
      expect: ['two-anticoagulants:contraindicated'],
    },
  ],
  [
    'clopidogrel + ibuprofen',
    { messages: ['I take clopidogrel after my stent, can I have ibuprofen?'], expect: ['antiplatelet-nsaid'] },
  ],
  [
    'clopidogrel + aspirin (dual antiplatelet) is not flagged',
    {
      card: { medications: [{ name: 'clopidogrel' }, { name: 'aspirin 75 mg' }] },
      expect: [],
      forbid: ['antiplatelet-nsaid', 'two-nsaids'],
    },
  ],
  [
    'sertraline + warfarin',
    { card: { medications: [{ name: 'Zoloft' }, { name: 'warfarin' }] }, expect: ['ssri-anticoagulant'] },
  ],
  ['citalopram + ibuprofen', { messages: ['I am on citalopram. is ibuprofen fine?'], expect: ['ssri-nsaid'] }],
  [
    'warfarin + clarithromycin',
    {
      card: { medications: [{ name: 'warfarin' }] },
      messages: ['The GP gave me clarithromycin for a chest infection'],
      expect: ['warfarin-antibiotics'],
    },
  ],
  [
    'warfarin + metronidazole',
    {
      card: { medications: [{ name: 'Marevan' }] },
      messages: ['can I take Flagyl?'],
      expect: ['warfarin-antibiotics'],
    },
  ],
  [
    'warfarin + co-trimoxazole',
    { messages: ['on warfarin and just prescribed Bactrim'], expect: ['warfarin-antibiotics'] },
  ],
  [
    'warfarin + fluconazole',
    { messages: ['I take warfarin, is Diflucan ok for thrush?'], expect: ['warfarin-antibiotics'] },
  ],
  [
    'warfarin + paracetamol is minor',
    {
      messages: ['I take warfarin, can I take paracetamol?'],
      expect: ['warfarin-paracetamol-regular:minor'],
      forbid: ['anticoagulant-nsaid'],
    },
  ],
  ['ibuprofen + naproxen', { messages: ['Can I take ibuprofen and naproxen together?'], expect: ['two-nsaids'] }],
  [
    'low-dose aspirin + ibuprofen',
    { card: { medications: [{ name: 'Aspirin 75mg' }] }, messages: ['can I take Nurofen?'], expect: ['two-nsaids'] },
  ],
  [
    'blood thinners (class) + ibuprofen',
    { messages: ["I'm on blood thinners, can I take ibuprofen?"], expect: ['anticoagulant-nsaid'] },
  ],
  [
    'DE Blutverdünner + Aspirin',
    { messages: ['Ich nehme Blutverdünner. Kann ich Aspirin nehmen?'], expect: ['anticoagulant-nsaid'] },
  ],
  [
    'omeprazole + clopidogrel',
    { card: { medications: [{ name: 'clopidogrel' }, { name: 'omeprazole 20mg' }] }, expect: ['clopidogrel-ppi'] },
  ],
  // serotonin
  [
    'sertraline + tramadol',
    { messages: ['I take sertraline 50mg. My dentist suggested tramadol'], expect: ['tramadol-serotonergic'] },
  ],
  ['Prozac + Ultram', { messages: ['on prozac, is ultram ok'], expect: ['tramadol-serotonergic'] }],
  [
    'DE Sertralin + Tramal',
    { messages: ['Ich nehme Sertralin, darf ich Tramal nehmen?'], expect: ['tramadol-serotonergic'] },
  ],
  [
    'phenelzine + sertraline',
    {
      card: { medications: [{ name: 'Nardil' }] },
      messages: ['my psychiatrist mentioned sertraline'],
      expect: ['maoi-serotonergic:contraindicated'],
    },
  ],
  [
    'MAOI + sumatriptan',
    {
      card: { medications: [{ name: 'phenelzine' }] },
      messages: ['can I take sumatriptan for my migraine?'],
      expect: ['maoi-serotonergic:contraindicated'],
    },
  ],
  [
    'MAOI + pseudoephedrine',
    {
      card: { medications: [{ name: 'tranylcypromine' }] },
      messages: ['is Sudafed ok?'],
      expect: ['maoi-serotonergic:contraindicated'],
    },
  ],
  [
    'MAOI + dextromethorphan',
    {
      card: { medications: [{ name: 'moclobemide' }] },
      messages: ['can I use Robitussin DM?'],
      expect: ['maoi-serotonergic'],
    },
  ],
  [
    'sumatriptan + fluoxetine',
    { messages: ['I take fluoxetine and sumatriptan for migraines'], expect: ['triptan-serotonergic:moderate'] },
  ],
  [
    'Imigran + Cymbalta',
    {
      card: { medications: [{ name: 'Cymbalta' }] },
      messages: ['is Imigran safe with my meds?'],
      expect: ['triptan-serotonergic'],
    },
  ],
  [
    "St John's wort + sertraline",
    { messages: ["I'm on sertraline; can I also take St John's wort?"], expect: ['ssri-snri-serotonergic'] },
  ],
  [
    'DE Johanniskraut + Citalopram',
    { messages: ['Ich nehme Citalopram und möchte Johanniskraut probieren'], expect: ['ssri-snri-serotonergic'] },
  ],
  [
    'two SSRIs',
    { card: { medications: [{ name: 'sertraline' }, { name: 'fluoxetine' }] }, expect: ['ssri-snri-serotonergic'] },
  ],
  [
    'linezolid + citalopram',
    {
      card: { medications: [{ name: 'citalopram' }] },
      messages: ['hospital wants to give me linezolid'],
      expect: ['maoi-serotonergic:contraindicated'],
    },
  ],
  // CNS depressants
  [
    'oxycodone + diazepam',
    { messages: ['I take OxyContin for pain. Can I take Valium to sleep?'], expect: ['opioid-benzodiazepine:major'] },
  ],
  [
    'codeine + alprazolam',
    {
      card: { medications: [{ name: 'Xanax 0.5mg' }] },
      messages: ['Is co-codamol ok?'],
      expect: ['opioid-benzodiazepine'],
    },
  ],
  ['tramadol + zolpidem', { messages: ['I use tramadol and ambien'], expect: ['opioid-benzodiazepine'] }],
  [
    'FR: Lexomil + Codoliprane',
    { messages: ['Je prends du Lexomil. Puis-je prendre du Codoliprane ?'], expect: ['opioid-benzodiazepine'] },
  ],
  [
    'ES: Orfidal + tramadol',
    { messages: ['Tomo Orfidal por las noches, ¿puedo tomar tramadol?'], expect: ['opioid-benzodiazepine'] },
  ],
  [
    'morphine + pregabalin',
    { card: { medications: [{ name: 'morphine sulfate' }, { name: 'Lyrica' }] }, expect: ['opioid-gabapentinoid'] },
  ],
  [
    'opioid + alcohol',
    { messages: ['I take codeine. Can I have a glass of wine tonight?'], expect: ['alcohol-sedatives'] },
  ],
  [
    'Benadryl + oxycodone',
    { messages: ['on oxycodone, can I take Benadryl for hives?'], expect: ['sedating-antihistamine-cns'] },
  ],
  // statins
  [
    'simvastatin + clarithromycin',
    {
      card: { medications: [{ name: 'Simvastatin 40mg' }] },
      messages: ['I was prescribed clarithromycin'],
      expect: ['simvastatin-strong-inhibitors:contraindicated'],
    },
  ],
  [
    'Zocor + erythromycin',
    { messages: ['I take Zocor, is erythromycin ok?'], expect: ['simvastatin-strong-inhibitors'] },
  ],
  [
    'atorvastatin + clarithromycin',
    { messages: ['Lipitor and clarithromycin together?'], expect: ['atorvastatin-inhibitors:major'] },
  ],
  [
    'simvastatin + itraconazole',
    {
      card: { medications: [{ name: 'simvastatin' }] },
      messages: ['Can I take Sporanox?'],
      expect: ['simvastatin-strong-inhibitors'],
    },
  ],
  [
    'simvastatin + grapefruit',
    {
      card: { medications: [{ name: 'simvastatin' }] },
      messages: ['Is grapefruit juice ok with my tablets?'],
      expect: ['statin-grapefruit'],
    },
  ],
  [
    'FR: atorvastatine + pamplemousse',
    {
      messages: ["Je prends de l'atorvastatine, puis-je boire du jus de pamplemousse ?"],
      expect: ['statin-grapefruit'],
    },
  ],
  [
    'rosuvastatin + grapefruit is not flagged',
    {
      card: { medications: [{ name: 'rosuvastatin' }] },
      messages: ['Can I eat grapefruit?'],
      expect: [],
      forbid: ['statin-grapefruit'],
    },
  ],
  [
    'statin + azithromycin is not the contraindication',
    {
      card: { medications: [{ name: 'simvastatin' }] },
      messages: ['they gave me azithromycin'],
      expect: [],
      forbid: ['simvastatin-strong-inhibitors'],
    },
  ],
  // ACE inhibitors / ARBs / kidneys
  [
    'triple whammy on card',
    {
      card: { medications: [{ name: 'ramipril' }, { name: 'furosemide' }] },
      messages: ['can I take ibuprofen for my knee?'],
      expect: ['triple-whammy:major', 'raas-nsaid'],
    },
  ],
  [
    'losartan + HCTZ + naproxen',
    {
      card: { medications: [{ name: 'losartan' }, { name: 'hydrochlorothiazide' }, { name: 'naproxen' }] },
      expect: ['triple-whammy'],
    },
  ],
  [
    'lisinopril + potassium supplement',
    {
      messages: ['I take lisinopril and my friend said potassium supplements help cramps'],
      expect: ['raas-potassium'],
    },
  ],
  [
    'ramipril + spironolactone',
    { card: { medications: [{ name: 'Tritace' }, { name: 'Aldactone' }] }, expect: ['raas-potassium'] },
  ],
  ['ACEi + LoSalt', { messages: ['on ramipril, is LoSalt ok to use?'], expect: ['raas-potassium'] }],
  [
    'ramipril + Entresto',
    {
      card: { medications: [{ name: 'ramipril' }] },
      messages: ['cardiologist mentioned Entresto'],
      expect: ['acei-sacubitril:contraindicated'],
    },
  ],
  [
    'DE: Ramipril + Ibuprofen',
    { messages: ['Ich nehme Ramipril, kann ich Ibuprofen nehmen?'], expect: ['raas-nsaid'] },
  ],
  // lithium, methotrexate
  [
    'lithium + ibuprofen',
    {
      card: { medications: [{ name: 'Priadel' }] },
      messages: ['is ibuprofen ok for period pain?'],
      expect: ['lithium-nsaid:major'],
    },
  ],
  [
    'lithium + bendroflumethiazide',
    {
      card: { medications: [{ name: 'lithium carbonate' }, { name: 'bendroflumethiazide' }] },
      expect: ['lithium-diuretic-raas'],
    },
  ],
  [
    'methotrexate + trimethoprim',
    {
      card: { medications: [{ name: 'methotrexate 10mg weekly' }] },
      messages: ['GP prescribed trimethoprim for a UTI'],
      expect: ['methotrexate-trimethoprim:contraindicated'],
    },
  ],
  [
    'methotrexate + Septrin',
    { messages: ['I take methotrexate; can I take Septrin?'], expect: ['methotrexate-trimethoprim'] },
  ],
  ['methotrexate + naproxen', { messages: ['on methotrexate for RA, naproxen ok?'], expect: ['methotrexate-nsaid'] }],
  // PDE5 + nitrates
  [
    'sildenafil + nitrates',
    { messages: ['I use a GTN spray for angina. Can I take Viagra?'], expect: ['pde5-nitrate:contraindicated'] },
  ],
  [
    'Cialis + isosorbide',
    {
      card: { medications: [{ name: 'isosorbide mononitrate' }] },
      messages: ['is cialis safe'],
      expect: ['pde5-nitrate'],
    },
  ],
  ['Viagra + poppers', { messages: ['can you mix viagra and poppers'], expect: ['pde5-nitrate'] }],
  [
    'tadalafil + tamsulosin',
    {
      card: { medications: [{ name: 'Flomax' }] },
      messages: ['can I take tadalafil?'],
      expect: ['pde5-alpha-blocker'],
    },
  ],
  // paracetamol
  [
    'paracetamol + liver disease',
    {
      card: { conditions: [{ name: 'Liver cirrhosis' }] },
      messages: ['how much Tylenol can I take?'],
      expect: ['liver-paracetamol'],
    },
  ],
  [
    'paracetamol + alcohol',
    { messages: ['I drink a lot of beer, is paracetamol ok for a hangover?'], expect: ['alcohol-paracetamol'] },
  ],
  [
    'two paracetamol products',
    { messages: ['I took Panadol, can I also take Lemsip?'], expect: ['two-paracetamol-products'] },
  ],
  [
    'co-codamol + paracetamol',
    {
      card: { medications: [{ name: 'co-codamol 30/500' }] },
      messages: ['can I take paracetamol as well?'],
      expect: ['two-paracetamol-products'],
    },
  ],
  [
    'FR: Doliprane + cirrhose',
    { messages: ["J'ai une cirrhose, je prends du Doliprane"], expect: ['liver-paracetamol'] },
  ],
  [
    'ES: paracetamol + hígado graso',
    { messages: ['Tengo hígado graso. ¿Puedo tomar Gelocatil?'], expect: ['liver-paracetamol'] },
  ],
  // metformin, decongestants, asthma, ulcer
  [
    'metformin + CKD on card',
    {
      card: { medications: [{ name: 'Metformin 500mg' }], conditions: [{ name: 'Chronic kidney disease stage 3' }] },
      expect: ['kidney-metformin:major'],
    },
  ],
  [
    'metformin + eGFR reading',
    { card: { medications: [{ name: 'Glucophage' }] }, readings: { egfr: 28 }, expect: ['kidney-metformin'] },
  ],
  [
    'DE: Metformin + Niereninsuffizienz',
    { messages: ['Ich habe Niereninsuffizienz und nehme Metformin.'], expect: ['kidney-metformin'] },
  ],
  ['kidney disease + ibuprofen', { messages: ['I have kidney disease, can I take Advil?'], expect: ['kidney-nsaid'] }],
  [
    'pseudoephedrine + hypertension (card)',
    {
      card: { conditions: [{ name: 'Hypertension' }] },
      messages: ['can I take Sudafed for my blocked nose?'],
      expect: ['hypertension-decongestant:major'],
    },
  ],
  [
    'phenylephrine + high BP reading',
    {
      readings: { systolic: 162, diastolic: 95 },
      messages: ['is Sudafed PE ok?'],
      expect: ['hypertension-decongestant'],
    },
  ],
  [
    'normal BP reading + Sudafed is not flagged',
    { readings: { systolic: 118, diastolic: 76 }, messages: ['is Sudafed ok?'], expect: [], forbid: ['*'] },
  ],
  [
    'DE: Bluthochdruck + Pseudoephedrin',
    { messages: ['Ich habe Bluthochdruck. Darf ich Aspirin Complex nehmen?'], expect: ['hypertension-decongestant'] },
  ],
  [
    'FR: hypertension + Dolirhume',
    { messages: ["J'ai de l'hypertension, je peux prendre du Dolirhume ?"], expect: ['hypertension-decongestant'] },
  ],
  [
    'ES: presión alta + Frenadol',
    { messages: ['Tengo la presión alta, ¿puedo tomar Frenadol?'], expect: ['hypertension-decongestant'] },
  ],
  [
    'asthma + propranolol',
    {
      card: { conditions: [{ name: 'Asthma' }] },
      messages: ['my doctor wants to start propranolol for anxiety'],
      expect: ['asthma-nonselective-beta-blocker:contraindicated'],
    },
  ],
  [
    'asthma + bisoprolol',
    {
      card: { conditions: [{ name: 'asthma' }], medications: [{ name: 'bisoprolol' }] },
      expect: ['asthma-selective-beta-blocker:major'],
    },
  ],
  ['asthma + ibuprofen', { messages: ['I have asthma. Is ibuprofen ok?'], expect: ['asthma-nsaid:moderate'] }],
  [
    'FR: asthme + ibuprofène',
    { messages: ["Je suis asthmatique, est-ce que je peux prendre de l'ibuprofène ?"], expect: ['asthma-nsaid'] },
  ],
  [
    'stomach ulcer + naproxen',
    { messages: ['I had a stomach ulcer. Can I take naproxen?'], expect: ['ulcer-nsaid:contraindicated'] },
  ],
  [
    'DE: Magengeschwür + Diclofenac',
    { messages: ['Ich habe ein Magengeschwür, darf ich Diclofenac nehmen?'], expect: ['ulcer-nsaid'] },
  ],
  [
    'heart failure + ibuprofen',
    {
      card: { conditions: [{ name: 'Heart failure' }] },
      messages: ['ibuprofen for a sprain?'],
      expect: ['heart-failure-nsaid'],
    },
  ],
  [
    'angina + sumatriptan',
    {
      card: { conditions: [{ name: 'angina' }] },
      messages: ['can I take sumatriptan?'],
      expect: ['heart-triptan:contraindicated'],
    },
  ],
  ['epilepsy + tramadol', { messages: ['I have epilepsy, is tramadol ok?'], expect: ['epilepsy-tramadol-bupropion'] }],
  [
    'glaucoma + Benadryl',
    { messages: ['I have glaucoma. Can I take Benadryl?'], expect: ['glaucoma-anticholinergic'] },
  ],
  [
    'enlarged prostate + Sudafed',
    { messages: ['I have an enlarged prostate, is Sudafed ok?'], expect: ['prostate-anticholinergic-decongestant'] },
  ],
  [
    'metronidazole + alcohol',
    { messages: ['I am on metronidazole. Can I drink alcohol at a wedding?'], expect: ['alcohol-metronidazole:major'] },
  ],
  [
    'ES: metronidazol + alcohol',
    { messages: ['Estoy tomando metronidazol, ¿puedo beber alcohol?'], expect: ['alcohol-metronidazole'] },
  ],
  ['cipro + antacid', { messages: ['I take ciprofloxacin; can I take Gaviscon?'], expect: ['quinolone-cations'] }],
  [
    'doxycycline + iron',
    {
      card: { medications: [{ name: 'ferrous sulfate' }] },
      messages: ['GP gave me doxycycline'],
      expect: ['quinolone-cations'],
    },
  ],
  [
    'levofloxacin + prednisolone',
    {
      card: { medications: [{ name: 'prednisolone' }] },
      messages: ['I was given levofloxacin'],
      expect: ['fluoroquinolone-corticosteroid'],
    },
  ],
  [
    'pill + St Johns wort',
    { messages: ["I'm on the pill. Can I take St John's Wort?"], expect: ['contraceptive-enzyme-inducer'] },
  ],
  [
    'Yasmin + rifampicin',
    {
      card: { medications: [{ name: 'Yasmin' }] },
      messages: ['they want to give me rifampicin'],
      expect: ['contraceptive-enzyme-inducer'],
    },
  ],
  [
    'myasthenia + ciprofloxacin',
    {
      card: { conditions: [{ name: 'Myasthenia gravis' }] },
      messages: ['can I take cipro?'],
      expect: ['myasthenia-antibiotics'],
    },
  ],
  // pregnancy
  [
    'pregnant + ibuprofen',
    { messages: ["I'm 24 weeks pregnant, can I take ibuprofen?"], expect: ['pregnancy-nsaid:major'] },
  ],
  [
    'DE schwanger + Ibuprofen',
    { messages: ['Ich bin schwanger. Darf ich Ibuprofen nehmen?'], expect: ['pregnancy-nsaid'] },
  ],
  [
    'FR enceinte + Advil',
    { messages: ["Je suis enceinte, puis-je prendre de l'Advil ?"], expect: ['pregnancy-nsaid'] },
  ],
  [
    'ES embarazada + ibuprofeno',
    { messages: ['Estoy embarazada, ¿puedo tomar ibuprofeno?'], expect: ['pregnancy-nsaid'] },
  ],
  [
    'pregnant + isotretinoin',
    {
      messages: ['I just found out I am pregnant and I take Accutane'],
      expect: ['pregnancy-isotretinoin:contraindicated'],
    },
  ],
  [
    'card pregnancy + valproate',
    { card: { pregnant: true, medications: [{ name: 'Depakote' }] }, expect: ['pregnancy-valproate:contraindicated'] },
  ],
  [
    'pregnancy + warfarin',
    { messages: ['I am pregnant and on warfarin'], expect: ['pregnancy-warfarin:contraindicated'] },
  ],
  [
    'pregnancy + ramipril',
    {
      card: { medications: [{ name: 'ramipril' }] },
      messages: ["We're expecting a baby! I'm pregnant"],
      expect: ['pregnancy-raas:contraindicated'],
    },
  ],
  [
    'pregnancy + atorvastatin',
    { messages: ['pregnant, should I keep taking atorvastatin?'], expect: ['pregnancy-statin'] },
  ],
  [
    'pregnancy + methotrexate',
    { messages: ['Je suis enceinte et je prends du méthotrexate'], expect: ['pregnancy-methotrexate:contraindicated'] },
  ],
  [
    'pregnancy + doxycycline',
    { messages: ['Estoy embarazada y me recetaron doxiciclina'], expect: ['pregnancy-tetracycline'] },
  ],
  [
    'pregnancy + topiramate',
    {
      card: { medications: [{ name: 'Topamax' }] },
      messages: ['I think I am pregnant'],
      expect: ['pregnancy-other-antiepileptics'],
    },
  ],
  [
    'pregnancy + paracetamol: no warning',
    { messages: ['I am pregnant. Can I take paracetamol for a headache?'], expect: [], forbid: ['*'] },
  ],
  [
    'not pregnant + ibuprofen: no pregnancy warning',
    { messages: ["I'm not pregnant. Can I take ibuprofen?"], expect: [], forbid: ['pregnancy-nsaid'] },
  ],
  [
    'breastfeeding + codeine',
    { messages: ["I'm breastfeeding, can I take co-codamol?"], expect: ['breastfeeding-codeine:contraindicated'] },
  ],
  ['DE stillen + Codein', { messages: ['Ich stille. Darf ich Codein nehmen?'], expect: ['breastfeeding-codeine'] }],
  // children
  [
    'child of 10 + aspirin',
    { card: { age: 10 }, messages: ['can I give aspirin for a fever?'], expect: ['child-aspirin:contraindicated'] },
  ],
  [
    'child from date of birth + codeine',
    {
      card: { dateOfBirth: '2018-03-01' },
      messages: ['is codeine ok for pain?'],
      expect: ['child-codeine:contraindicated'],
    },
  ],
  // older adults (Beers)
  [
    'age 70 + diazepam',
    {
      card: { dateOfBirth: '1955-01-10' },
      messages: ['can I take diazepam to sleep?'],
      expect: ['older-benzodiazepine:major'],
    },
  ],
  [
    'age 80 + diphenhydramine',
    { card: { age: 80 }, messages: ['is Nytol ok to help me sleep?'], expect: ['older-sedating-antihistamine'] },
  ],
  [
    'age stated in text + Benadryl',
    { messages: ["I'm 72 years old. Can I take Benadryl?"], expect: ['older-sedating-antihistamine'] },
  ],
  [
    'age 64 + ibuprofen: no Beers warning',
    { card: { age: 64 }, messages: ['Can I take ibuprofen?'], expect: [], forbid: ['*'] },
  ],
  [
    'age 66 + amitriptyline',
    { card: { age: 66, medications: [{ name: 'amitriptyline 10mg' }] }, expect: ['older-anticholinergic'] },
  ],
  // allergies and cross-reactivity
  [
    'penicillin allergy + Augmentin',
    {
      card: { allergies: [{ substance: 'penicillin' }] },
      messages: ['The dentist prescribed Augmentin'],
      expect: ['allergy-same-substance:contraindicated'],
    },
  ],
  [
    'penicillin allergy + co-amoxiclav (conversation)',
    { messages: ["I'm allergic to penicillin. Can I take co-amoxiclav?"], expect: ['allergy-same-substance'] },
  ],
  [
    'amoxicillin allergy + flucloxacillin',
    {
      card: { allergies: [{ substance: 'Amoxicillin', reaction: 'rash' }] },
      messages: ['is flucloxacillin ok'],
      expect: ['allergy-penicillin-class:contraindicated'],
    },
  ],
  [
    'penicillin allergy + cefalexin',
    { messages: ['I am allergic to penicillin; is Keflex ok?'], expect: ['allergy-penicillin-cephalosporin:major'] },
  ],
  [
    'penicillin allergy + meropenem',
    {
      card: { allergies: [{ substance: 'penicillin' }] },
      messages: ['they want to give me meropenem'],
      expect: ['allergy-penicillin-carbapenem:moderate'],
    },
  ],
  [
    'penicillin allergy + azithromycin: none',
    {
      card: { allergies: [{ substance: 'Penicillin' }] },
      messages: ['Can I take azithromycin?'],
      expect: [],
      forbid: ['*'],
    },
  ],
  [
    'DE: allergisch gegen Penicillin + Amoxicillin',
    {
      messages: ['Ich bin allergisch gegen Penicillin. Kann ich Amoxicillin nehmen?'],
      expect: ['allergy-same-substance'],
    },
  ],
  [
    'DE: Penicillinallergie + Amoxiclav',
    { messages: ['Ich habe eine Penicillinallergie, darf ich Amoxiclav nehmen?'], expect: ['allergy-same-substance'] },
  ],
  [
    'FR: allergique à la pénicilline + Augmentin',
    {
      messages: ["Je suis allergique à la pénicilline. Puis-je prendre de l'Augmentin ?"],
      expect: ['allergy-same-substance'],
    },
  ],
  [
    'ES: alérgica a la penicilina + amoxicilina',
    { messages: ['Soy alérgica a la penicilina, ¿puedo tomar amoxicilina?'], expect: ['allergy-same-substance'] },
  ],
  [
    'misspelled amoxicilin with penicillin allergy',
    {
      card: { allergies: [{ substance: 'penicilin' }] },
      messages: ['can i take amoxicilin'],
      expect: ['allergy-same-substance'],
    },
  ],
  [
    'aspirin allergy + ibuprofen',
    {
      card: { allergies: [{ substance: 'Aspirin', reaction: 'wheeze' }] },
      messages: ['is ibuprofen ok'],
      expect: ['allergy-nsaid-class:contraindicated'],
    },
  ],
  [
    'NSAID allergy + naproxen',
    { messages: ['I am allergic to NSAIDs. Can I take Aleve?'], expect: ['allergy-same-substance'] },
  ],
  [
    'NSAID allergy + paracetamol: none',
    { messages: ['I am allergic to NSAIDs. Can I take paracetamol?'], expect: [], forbid: ['*'] },
  ],
  [
    'sulfa allergy + Bactrim',
    { messages: ["I'm allergic to sulfa drugs, the doctor wants Bactrim"], expect: ['allergy-same-substance'] },
  ],
  [
    'sulfa allergy + trimethoprim alone: none',
    {
      card: { allergies: [{ substance: 'sulfa' }] },
      messages: ['can I take trimethoprim?'],
      expect: [],
      forbid: ['*'],
    },
  ],
  [
    'erythromycin allergy + clarithromycin',
    {
      card: { allergies: [{ substance: 'erythromycin' }] },
      messages: ['prescribed Klacid'],
      expect: ['allergy-macrolide-class'],
    },
  ],
  [
    'cipro allergy + levofloxacin',
    {
      card: { allergies: [{ substance: 'ciprofloxacin' }] },
      messages: ['is Levaquin ok?'],
      expect: ['allergy-quinolone-class'],
    },
  ],
  [
    'cephalosporin allergy + amoxicillin',
    {
      card: { allergies: [{ substance: 'cephalexin' }] },
      messages: ['can I take amoxicillin'],
      expect: ['allergy-cephalosporin-penicillin'],
    },
  ],
  [
    'allergy list with "except"',
    { messages: ['No allergies except penicillin. Is amoxicillin ok?'], expect: ['allergy-same-substance'] },
  ],
  [
    'penicillin and sulfa allergies',
    { messages: ['I have penicillin and sulfa allergies. Is Bactrim ok?'], expect: ['allergy-same-substance'] },
  ],
  [
    'allergy on card as condition text',
    {
      card: { conditions: [{ name: 'Penicillin allergy' }] },
      messages: ['can I have amoxicillin?'],
      expect: ['allergy-same-substance'],
    },
  ],
  // negation and history
  [
    'no longer on warfarin',
    { messages: ["I'm not on warfarin any more. Can I take ibuprofen?"], expect: [], forbid: ['*'] },
  ],
  [
    'stopped taking warfarin',
    {
      messages: ['I stopped taking warfarin last month. Is ibuprofen ok now?'],
      expect: [],
      forbid: ['anticoagulant-nsaid'],
    },
  ],
  [
    'stopped in a later message overrides the card',
    {
      card: { medications: [{ name: 'warfarin' }] },
      messages: ['I no longer take warfarin, my doctor stopped it', 'can I take ibuprofen?'],
      expect: [],
      forbid: ['anticoagulant-nsaid'],
    },
  ],
  [
    'DE: nehme kein Marcumar mehr',
    { messages: ['Ich nehme kein Marcumar mehr. Darf ich Ibuprofen nehmen?'], expect: [], forbid: ['*'] },
  ],
  [
    'DE: Marcumar abgesetzt',
    { messages: ['Ich habe Marcumar abgesetzt. Ist Ibuprofen ok?'], expect: [], forbid: ['*'] },
  ],
  [
    'FR: ne prends plus de Sintrom',
    { messages: ["Je ne prends plus de Sintrom. Est-ce que l'ibuprofène est ok ?"], expect: [], forbid: ['*'] },
  ],
  ['ES: ya no tomo Sintrom', { messages: ['Ya no tomo Sintrom. ¿Puedo tomar ibuprofeno?'], expect: [], forbid: ['*'] }],
  [
    'used to take warfarin',
    { messages: ['I used to take warfarin years ago. Is aspirin ok?'], expect: [], forbid: ['*'] },
  ],
  [
    'not allergic to penicillin',
    { messages: ["I'm not allergic to penicillin. Can I take amoxicillin?"], expect: [], forbid: ['*'] },
  ],
  [
    'FR: pas allergique',
    {
      messages: ['Je ne suis pas allergique à la pénicilline, je peux prendre amoxicilline ?'],
      expect: [],
      forbid: ['*'],
    },
  ],
  ['no allergies', { messages: ['No allergies. Can I take amoxicillin?'], expect: [], forbid: ['*'] }],
  [
    'no kidney disease',
    { messages: ["I don't have kidney disease. Can I take ibuprofen?"], expect: [], forbid: ['*'] },
  ],
  [
    'not sure whether … is not a negation',
    { messages: ["I'm on warfarin and I'm not sure whether ibuprofen is safe"], expect: ['anticoagulant-nsaid'] },
  ],
  [
    "don't know if I can take ibuprofen",
    { messages: ["I'm on warfarin. I don't know if I can take ibuprofen"], expect: ['anticoagulant-nsaid'] },
  ],
  [
    'on warfarin, not aspirin',
    {
      messages: ["I'm on warfarin, not aspirin. Can I take paracetamol?"],
      expect: ['warfarin-paracetamol-regular'],
      forbid: ['anticoagulant-nsaid'],
    },
  ],
  // no conflicts
  ['paracetamol alone', { messages: ['Can I take paracetamol for a headache?'], expect: [], forbid: ['*'] }],
  [
    'ibuprofen alone, healthy adult',
    { card: { age: 30 }, messages: ['Is ibuprofen ok for a sprained ankle?'], expect: [], forbid: ['*'] },
  ],
  [
    'amoxicillin, no allergy',
    { messages: ['My GP prescribed amoxicillin for an ear infection'], expect: [], forbid: ['*'] },
  ],
  [
    'cetirizine + sertraline',
    { messages: ['I take sertraline, can I take cetirizine for hay fever?'], expect: [], forbid: ['*'] },
  ],
  ['loratadine + warfarin', { messages: ['on warfarin, is Claritin ok?'], expect: [], forbid: ['*'] }],
  ['statin alone', { card: { medications: [{ name: 'atorvastatin 20mg' }] }, expect: [], forbid: ['*'] }],
  [
    'metformin, healthy kidneys',
    {
      card: { medications: [{ name: 'metformin' }], conditions: [{ name: 'Type 2 diabetes' }] },
      expect: [],
      forbid: ['*'],
    },
  ],
  [
    'unknown words never crash',
    { messages: ['I take xyzzolamab and flurbotox', 'qwertyuiopasdfg?', '💊💊💊'], expect: [], forbid: ['*'] },
  ],
  ['empty context', { expect: [], forbid: ['*'] }],
];

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
    assert.ok(flagged[0]!.reasons.some((r) => /anticoagulant/.test(r)), JSON.stringify(flagged[0]));
    assert.ok(flagged[1]!.reasons.some((r) => /anticoagulant/.test(r)), JSON.stringify(flagged[1]));
    assert.ok(flagged[3]!.reasons.some((r) => /opioid/.test(r)), JSON.stringify(flagged[3]));
  });

  it('returns nothing for an empty or unknown list', () => {
    assert.deepEqual(checker.highRisk([]), []);
    assert.deepEqual(checker.highRisk(['vitamin sunshine']), []);
  });
});
