/**
 * Red-flag triage: sentences each rule must fire on (everyday phrasing, typos, third persons) and
 * must not fire on (negation, history, look-alikes). Add a sentence here with every rule change.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeText, splitSentences } from './triage.normalize.js';
import { compileRules, createTriage } from './triage.service.js';
import { triageRules, type TriageRule } from './triage.rules.js';

const triage = createTriage({ emergencyNumber: '112' });

type Positive = [text: string, ruleId: string, level: 'emergency' | 'urgent'];

const positives: Positive[] = [
  // chest pain / heart attack
  ['I have chest pain', 'chest_pain', 'emergency'],
  ['my chest feels really tight', 'chest_pain', 'emergency'],
  ['Crushing pain in my chest and my left arm is numb', 'chest_pain', 'emergency'],
  ['chest hurts when i breathe in, started an hour ago', 'chest_pain', 'emergency'],
  ['it feels like an elephant is sitting on my chest', 'chest_pain', 'emergency'],
  ['There is pressure in my chest, spreading to my jaw', 'chest_pain', 'emergency'],
  ['I think my husband is having a heart attack', 'chest_pain', 'emergency'],
  ['is this a hart attak??', 'chest_pain', 'emergency'],
  ['CHEST PAIN!!!', 'chest_pain', 'emergency'],
  ['i dont know why but my chest hurts so bad', 'chest_pain', 'emergency'],
  ["I'm not sure if it's serious, my chest is tight", 'chest_pain', 'emergency'],
  ['no fever but crushing chest pain', 'chest_pain', 'emergency'],
  ['I have no energy and chest pain', 'chest_pain', 'emergency'],
  ['I never had chest pain like this before', 'chest_pain', 'emergency'],
  ['I had chest pain last year and now it is back', 'chest_pain', 'emergency'],
  ['I had a heart attack 2 years ago and now I have chest pain again', 'chest_pain', 'emergency'],
  ['I had chest pain this morning but it went away', 'chest_pain', 'urgent'],
  ['the chest pain went away after ten minutes', 'chest_pain', 'urgent'],
  ['my dad has a sharp pain in his chest', 'chest_pain', 'emergency'],
  ['Oh no my chest hurts', 'chest_pain', 'emergency'],
  ["I don't feel well my chest hurts", 'chest_pain', 'emergency'],
  ['sharp pain in chest when breathing', 'chest_pain', 'emergency'],
  ['the pain in my chest stopped after I sat down', 'chest_pain', 'urgent'],
  ['no fever my chest hurts', 'chest_pain', 'emergency'],
  ["I can't tell if I'm having a heart attack", 'chest_pain', 'emergency'],
  ['nothing helps my chest pain', 'chest_pain', 'emergency'],
  ['No one is home and I have chest pain', 'chest_pain', 'emergency'],
  ['I have had chest pain for 2 years and today it is worse', 'chest_pain', 'emergency'],
  // stroke
  ['my mom’s face is drooping on one side', 'stroke', 'emergency'],
  ['his speech is slurred and he can’t lift his arm', 'stroke', 'emergency'],
  ['Sudden weakness in my left arm', 'stroke', 'emergency'],
  ['one side of her face is numb', 'stroke', 'emergency'],
  ["she can't get her words out properly", 'stroke', 'emergency'],
  ['I think I am having a stroke', 'stroke', 'emergency'],
  ['worst headache of my life, came on suddenly', 'stroke', 'emergency'],
  ['I suddenly lost the vision in one eye', 'stroke', 'emergency'],
  ['his smile is crooked and he is slurring', 'stroke', 'emergency'],
  ['My face drooped for a few minutes but it is fine now', 'stroke', 'urgent'],
  ['I had a stroke last year and I think it is happening again', 'stroke', 'emergency'],
  // breathing
  ["can't catch my breath", 'breathing', 'emergency'],
  ['I cant breath', 'breathing', 'emergency'],
  ['she is struggling to breathe', 'breathing', 'emergency'],
  ['really short of breath even sitting down', 'breathing', 'emergency'],
  ['his lips are turning blue', 'breathing', 'emergency'],
  ["I don't think he's breathing", 'breathing', 'emergency'],
  ['my inhaler is not working and I am wheezing', 'breathing', 'emergency'],
  ['having an asthma attack', 'breathing', 'emergency'],
  ['my son is choking', 'breathing', 'emergency'],
  ['difficulty breathing since this morning', 'breathing', 'emergency'],
  ["without my inhaler I can't breathe", 'breathing', 'emergency'],
  ['he stopped breathing', 'breathing', 'emergency'],
  ['cannot breathe!!!', 'breathing', 'emergency'],
  ['I am not breathing well', 'breathing', 'emergency'],
  // anaphylaxis
  ['I ate peanuts and my throat is swelling', 'anaphylaxis', 'emergency'],
  ['my throat feels like it is closing up after a bee sting', 'anaphylaxis', 'emergency'],
  ['should I use my epi-pen?', 'anaphylaxis', 'emergency'],
  ['I think this is anaphalaxis', 'anaphylaxis', 'emergency'],
  ['tongue swelling after taking penicillin', 'anaphylaxis', 'emergency'],
  ['my lips are swelling up after eating shrimp', 'anaphylaxis_swelling', 'emergency'],
  ['got stung by a wasp and now I have hives all over', 'anaphylaxis_swelling', 'emergency'],
  // suicide / self-harm
  ['I want to end it all', 'suicide_self_harm', 'emergency'],
  ["I don't want to live anymore", 'suicide_self_harm', 'emergency'],
  ['i want to kill myself', 'suicide_self_harm', 'emergency'],
  ['kms', 'suicide_self_harm', 'emergency'],
  ['I have been feeling suicidial', 'suicide_self_harm', 'emergency'],
  ['everyone would be better off without me', 'suicide_self_harm', 'emergency'],
  ['I keep cutting myself', 'suicide_self_harm', 'emergency'],
  ['thinking about taking my own life', 'suicide_self_harm', 'emergency'],
  ['I wish I was dead', 'suicide_self_harm', 'emergency'],
  ['there is no reason to live', 'suicide_self_harm', 'emergency'],
  ['i dont wanna be here anymore', 'suicide_self_harm', 'emergency'],
  ['thinking about how to unalive myself', 'suicide_self_harm', 'emergency'],
  ['I tried to kill myself years ago', 'suicide_self_harm', 'urgent'],
  ["I'm not sure I want to live", 'suicide_self_harm', 'emergency'],
  // harm to others
  ['I want to hurt someone', 'harm_to_others', 'emergency'],
  // overdose / poisoning
  ['took a whole bottle of pills', 'overdose_poisoning', 'emergency'],
  ['I took 30 paracetamol an hour ago', 'overdose_poisoning', 'emergency'],
  ['my toddler swallowed a button battery', 'overdose_poisoning', 'emergency'],
  ['she drank bleach', 'overdose_poisoning', 'emergency'],
  ['I think I overdosed', 'overdose_poisoning', 'emergency'],
  ['He took way too many sleeping pills', 'overdose_poisoning', 'emergency'],
  ['I swallowed 15 pills', 'overdose_poisoning', 'emergency'],
  ['took like 20 tylenol', 'overdose_poisoning', 'emergency'],
  ['my kid got into the medicine cabinet and ate some pills', 'overdose_poisoning', 'emergency'],
  ['we might have carbon monoxide poisoning, headaches all of us', 'overdose_poisoning', 'emergency'],
  // severe bleeding
  ['my leg is bleeding heavily', 'severe_bleeding', 'emergency'],
  ["the bleeding won't stop", 'severe_bleeding', 'emergency'],
  ['blood is spurting from his arm', 'severe_bleeding', 'emergency'],
  ['I am coughing up blood', 'severe_bleeding', 'emergency'],
  ['vomiting blood', 'severe_bleeding', 'emergency'],
  ["can't stop the bleeding", 'severe_bleeding', 'emergency'],
  // unconscious / seizure
  ['my dad collapsed and is unresponsive', 'unconscious_seizure', 'emergency'],
  ['she is having a seizure', 'unconscious_seizure', 'emergency'],
  ["I can't wake my husband up", 'unconscious_seizure', 'emergency'],
  ['he is unconcious', 'unconscious_seizure', 'emergency'],
  ["my friend won't wake up", 'unconscious_seizure', 'emergency'],
  ['my daughter is convulsing', 'unconscious_seizure', 'emergency'],
  ["he fell down the stairs and isn't moving", 'not_moving', 'emergency'],
  ['I am pregnant and having a seizure', 'unconscious_seizure', 'emergency'],
  // head injury
  ['hit my head and now I keep vomiting', 'head_injury_severe', 'emergency'],
  ['he banged his head and is confused', 'head_injury_severe', 'emergency'],
  ['I fell and hit my head, I take warfarin', 'head_injury_severe', 'emergency'],
  ['I bumped my head on a cupboard', 'head_injury', 'urgent'],
  ['no vomiting, no confusion after hitting my head', 'head_injury', 'urgent'],
  ['possible skull fracture', 'skull_fracture', 'emergency'],
  // meningitis / rash
  ['high fever and a stiff neck', 'meningitis', 'emergency'],
  ['I have a temperature of 39 and my neck is really stiff', 'meningitis', 'emergency'],
  ["the rash doesn't fade under a glass", 'non_blanching_rash', 'emergency'],
  ['could this be meningitis', 'non_blanching_rash', 'emergency'],
  // sepsis
  ['I have a kidney infection and my skin is mottled', 'sepsis', 'emergency'],
  // pregnancy
  ["I'm 10 weeks pregnant and bleeding", 'pregnancy_bleeding', 'emergency'],
  ['pregnant with severe stomach pain', 'pregnancy_bleeding', 'emergency'],
  ['I am pregnant and the baby is not moving as much, reduced movements today', 'pregnancy_warning', 'urgent'],
  ['pregnant with a bad headache and blurred vision', 'pregnancy_warning', 'urgent'],
  // infants / children
  ['my 6 week old has a fever of 38.5', 'infant_fever', 'emergency'],
  ['newborn feels hot and has a temperature', 'infant_fever', 'emergency'],
  ['my baby is floppy and hard to wake', 'child_danger', 'emergency'],
  ['toddler has a high pitched cry and a bulging soft spot', 'child_danger', 'emergency'],
  ['my 2 year old is refusing to drink and has had no wet nappies', 'child_unwell', 'urgent'],
  // others
  ['my grandfather is suddenly confused', 'sudden_confusion', 'emergency'],
  ['she is diabetic, low blood sugar and now confused', 'diabetic_emergency', 'emergency'],
  ['I passed out at work', 'fainting', 'urgent'],
  ["my heart is racing and I feel like I'm going to pass out", 'fainting', 'urgent'],
  ['severe stomach pain on the lower right', 'severe_abdominal_pain', 'urgent'],
  ['fever of 40.2 since yesterday', 'high_fever', 'urgent'],
  ['burned my hand with boiling water', 'burns', 'urgent'],
  ['sudden testicle pain', 'testicular_pain', 'urgent'],
  ['I accidentally took a double dose of my blood pressure meds', 'medication_error', 'urgent'],
  ['my stools are black and tarry', 'gi_bleeding', 'urgent'],
  ['I had an allergic reaction to a new soap, itchy rash', 'allergic_reaction', 'urgent'],
  ['soaking a pad every hour', 'heavy_period', 'urgent'],
];

const negatives: string[] = [
  // negation
  'no chest pain',
  "I don't have chest pain",
  'I do not have any chest pain or shortness of breath',
  'denies shortness of breath',
  'not suicidal',
  "I'm not suicidal, just tired",
  "I'm not going to kill myself, I just feel low",
  'I have never had a seizure',
  'no trouble breathing',
  'without chest pain',
  'chest pain ruled out by the cardiologist',
  'I am not pregnant',
  'no bleeding',
  "there's no blood, it's just a scrape",
  // history
  'chest pain last year, fine now',
  'I had a stroke 5 years ago',
  'my dad had a heart attack years ago',
  'I had a seizure as a child',
  'history of asthma attacks when I was young',
  'I used to have chest pain',
  // everyday look-alikes
  "I can't breathe through my nose, it's blocked",
  'I get out of breath after running',
  'how do I stroke my cat so it purrs',
  'my app is not responding',
  'food poisoning from a takeaway, I feel sick',
  "I can't wake up in the mornings",
  'I cut myself while cooking',
  'my arm hurts after the gym',
  'I have a headache and a runny nose',
  'What should I eat to lower my cholesterol?',
  'Is it ok to take ibuprofen with food?',
  'I have a mild cough and a sore throat',
  'My seizures are well controlled on medication',
  'my chest x-ray was clear',
  'I have a chest infection and a cough',
  'I took all my meds this morning as prescribed',
  'I feel a bit dizzy when I stand up quickly',
  'my baby has a runny nose',
  'my son has a small bruise on his knee',
  'we have a carbon monoxide alarm in the kitchen',
  'I am 30 weeks pregnant, what can I eat?',
  "I'm pregnant, is it safe to have blood tests?",
  'my face is numb after the dentist',
  "I'm on medication for seizures",
  'it is not chest pain, more like heartburn',
  'there is no pain in my chest',
  "it doesn't feel like a heart attack",
  'my infection is not responding to antibiotics',
  'the baby is not moving as much as usual',
  'how can I prevent a heart attack',
  'my mother died of a heart attack',
  'I had a stroke in 2015',
  'I have a stiff neck from sleeping badly',
  'my chest does not hurt anymore',
  "I'm dying of boredom",
  'my leg is numb from sitting',
  "I'm bleeding a little from a cut",
  'the bleeding stopped',
  'back pain after lifting boxes',
  'my heart races when I drink coffee',
  'I am so tired of this cold',
  '',
  '   ',
];

describe('triage rules (data)', () => {
  it('compile: ids unique, macros known, patterns valid, shadows known', () => {
    const compiled = compileRules(triageRules);
    assert.equal(compiled.length, triageRules.length);
  });

  it('a bad rule is refused at load with its id', () => {
    const bad: TriageRule = {
      id: 'x',
      category: 'x',
      source: 'x',
      level: 'urgent',
      patterns: ['{nope}'],
      advice: 'x',
    };
    assert.throws(() => compileRules([bad]), /triage rule x: unknown macro/);
    assert.throws(() => compileRules([{ ...bad, patterns: ['(unclosed'] }]), /bad pattern/);
    assert.throws(() => compileRules([bad, bad]), /duplicate id/);
    assert.throws(() => compileRules([{ ...bad, patterns: ['x'], source: '' }]), /no source/);
  });

  it('every rule has at least one positive sentence in this suite', () => {
    const covered = new Set(positives.map(([, id]) => id));
    const missing = triageRules.map((r) => r.id).filter((id) => !covered.has(id));
    assert.deepEqual(missing, []);
  });
});

describe('triage fires on red flags (everyday phrasing, typos, third person)', () => {
  for (const [text, ruleId, level] of positives) {
    it(`${level}: ${JSON.stringify(text)} → ${ruleId}`, () => {
      const r = triage.assess(text);
      const ids = r.matches.map((m) => m.ruleId);
      assert.ok(ids.includes(ruleId), `expected ${ruleId}, got [${ids.join(', ')}]`);
      const m = r.matches.find((x) => x.ruleId === ruleId)!;
      assert.equal(m.level, level, `level of ${ruleId}`);
      assert.ok(r.answer && r.answer.includes('112'), 'the answer carries the emergency number');
    });
  }
});

describe('triage stays quiet (negation, history, look-alikes)', () => {
  for (const text of negatives) {
    it(`none: ${JSON.stringify(text)}`, () => {
      const r = triage.assess(text);
      assert.equal(r.level, null, `fired ${r.matches.map((m) => `${m.ruleId}("${m.phrase}")`).join(', ')}`);
      assert.equal(r.answer, null);
    });
  }
});

describe('triage answers', () => {
  it('is deterministic and starts with the level line, with the configured number', () => {
    const t = createTriage({ emergencyNumber: '911' });
    const a = t.assess('crushing chest pain');
    const b = t.assess('crushing chest pain');
    assert.equal(a.answer, b.answer);
    assert.match(a.answer!, /^\*\*This could be a medical emergency\. Call 911 now\*\*/);
    assert.doesNotMatch(a.answer!, /\{emergencyNumber\}|\{crisisLine\}/);
  });

  it('self-harm answers carry the crisis-line wording (configured or generic)', () => {
    const generic = createTriage({ emergencyNumber: '112' }).assess('I want to kill myself');
    assert.match(generic.answer!, /^\*\*You don't have to face this alone\.\*\*/);
    assert.match(generic.answer!, /988/);
    const local = createTriage({ emergencyNumber: '999', crisisLine: 'Samaritans on 116 123' }).assess(
      'i want to end my life',
    );
    assert.match(local.answer!, /Samaritans on 116 123/);
    assert.match(local.answer!, /call 999 now/);
  });

  it('several red flags: the highest level wins and each gets its advice once', () => {
    const r = triage.assess('I hit my head and now I am vomiting. Also my chest feels tight and I cannot breathe.');
    assert.equal(r.level, 'emergency');
    const ids = r.matches.map((m) => m.ruleId).sort();
    assert.deepEqual(ids, ['breathing', 'chest_pain', 'head_injury_severe']);
    assert.ok(!ids.includes('head_injury'), 'the plain head-injury rule is shadowed');
    assert.equal(r.answer!.split('\n').filter((l) => l.startsWith('- ')).length, 3);
  });

  it('an urgent-only message gets the urgent opening line', () => {
    const r = triage.assess('I bumped my head this morning');
    assert.equal(r.level, 'urgent');
    assert.match(r.answer!, /^\*\*Please get medical help today\.\*\*/);
  });

  it('handles huge input without trouble', () => {
    const big = 'I feel fine today. '.repeat(2000) + 'crushing chest pain';
    const t0 = performance.now();
    triage.assess(big);
    assert.ok(performance.now() - t0 < 1000);
  });
});

describe('normalization', () => {
  it('expands contractions, fixes typos, keeps clause boundaries', () => {
    assert.equal(normalizeText("I CAN'T breathe, it’s BAD"), 'i can not breathe, it is bad');
    assert.equal(normalizeText('dont   wont cant'), 'do not will not can not');
    assert.equal(normalizeText('helllp my chset hurts sooo much'), 'hellp my chest hurts soo much');
    assert.equal(normalizeText('Temp 39.5, self-harm'), 'temp 39 5, self harm');
    assert.deepEqual(
      splitSentences(normalizeText('No fever, but chest pain. Fine otherwise!')).map((s) => s.clauses),
      [['no fever', 'chest pain'], ['fine otherwise']],
    );
  });
});
