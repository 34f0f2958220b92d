/**
 * The reply guard on real model output (SmolLM2-135M replies recorded on this project's prompt),
 * fed in pieces of every size: what is shown never depends on how the stream was split.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeContext } from './assistant.prompt.js';
import { ReplyGuard } from './reply-guard.js';

const context = describeContext(
  {
    name: 'Sam',
    dateOfBirth: '1958-01-01',
    sex: 'male',
    bloodType: 'A+',
    heightCm: 180,
    weightKg: 97.5,
    bmi: { value: 30.1, category: 'obese' },
    allergies: [{ substance: 'penicillin', severity: 'severe', reaction: 'anaphylaxis' }],
    conditions: [{ name: 'atrial fibrillation' }],
    medications: [{ name: 'warfarin', dose: '5 mg', schedule: 'daily' }],
    immunizations: [],
    emergencyContacts: [],
    organDonor: null,
    primaryPhysician: null,
    language: 'en',
    notes: null,
    emergencyFields: [],
    shareCardWithAssistant: true,
    qrVersion: 0,
    updatedAt: new Date().toISOString(),
  },
  [],
  new Date('2026-06-01T00:00:00Z'),
);

/** Split `text` into pieces of 1..max characters with a seeded generator. */
function pieces(text: string, seed: number, max = 7): string[] {
  let s = seed;
  const out: string[] = [];
  for (let i = 0; i < text.length;) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (s % max);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

function run(text: string, opts: { context?: string | null; seed?: number; max?: number } = {}) {
  const emitted: string[] = [];
  let loops = 0;
  let fed = 0;
  const g = new ReplyGuard({
    context: opts.context === undefined ? context : opts.context,
    emit: (t) => emitted.push(t),
    onLoop: () => loops++,
  });
  for (const p of pieces(text, opts.seed ?? 1, opts.max)) {
    if (g.looped) break;
    g.push(p);
    fed += p.length;
  }
  g.end();
  assert.equal(emitted.join(''), g.text, 'text is exactly what was emitted');
  return { text: g.text, dropped: g.dropped, looped: g.looped, loops, fed };
}

const RECITED = `The person's own health record (shared with their consent; information only):
- age 68, sex male, BMI 30.1

You can take ibuprofen if you are taking it for medical reasons and have a doctor's prescription. If you're unsure about taking any medications, always check with your doctor before using them.`;

const LOOPED = `The flu is a highly contagious respiratory illness caused by the influenza virus. It spreads through the air.

To protect yourself:
- Stay home when you're sick
- Cover your mouth and nose with a tissue when coughing
- Wash your hands frequently
- Avoid touching your face
- Eat well

To protect against the flu:
- Stay home from work
- Wash your hands frequently
- Eat well
- Drink plenty of water
- Get vaccinated every year`;

describe('reply guard', () => {
  it('drops a recited record header and its fact line; the advice streams', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = run(RECITED, { seed });
      assert.doesNotMatch(r.text, /health record|consent|age 68|sex male|BMI 30\.1/i, `seed ${seed}: ${r.text}`);
      assert.match(r.text, /^You can take ibuprofen/);
      assert.match(r.text, /check with your doctor before using them\.$/);
      assert.deepEqual(
        r.dropped.map((d) => d.reason),
        ['recitation', 'recitation'],
      );
      assert.equal(r.looped, false);
    }
  });

  it('drops `label: value` lines and sentences that repeat two facts of the record', () => {
    const r = run(
      'Here is what I know.\n- medications: warfarin 5 mg daily\n- allergies: penicillin (severe, anaphylaxis)\nYou are age 68 and your BMI 30.1 (obese) matters. You are a 68-year-old man with a BMI of 30.1. Rest and drink fluids.',
    );
    assert.equal(r.text, 'Here is what I know.\nRest and drink fluids.');
    assert.equal(r.dropped.length, 4);
  });

  it('keeps sentences that USE the record without reciting it', () => {
    const text =
      'Because you take warfarin, ibuprofen can raise your risk of bleeding. Paracetamol is usually the safer choice; ask your pharmacist.';
    const r = run(text);
    assert.equal(r.text, text);
    assert.equal(r.dropped.length, 0);
  });

  it('stops a looping list: repeated items are dropped, and the second repeat ends the reply', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = run(LOOPED, { seed });
      assert.equal(r.looped, true, `seed ${seed}`);
      assert.equal(r.loops, 1, 'onLoop once');
      assert.equal((r.text.match(/Wash your hands frequently/g) ?? []).length, 1, r.text);
      assert.equal((r.text.match(/Eat well/g) ?? []).length, 1, r.text);
      assert.doesNotMatch(r.text, /Drink plenty of water/, 'nothing after the loop was detected');
      assert.ok(r.fed < LOOPED.length, 'the caller could stop feeding');
    }
  });

  it('with maxRepeats 0 repeats are still dropped but the reply is never stopped', () => {
    const emitted: string[] = [];
    const g = new ReplyGuard({ context: null, emit: (t) => emitted.push(t), maxRepeats: 0 });
    for (const p of pieces(LOOPED + '\n' + 'again and again and again and again and again and again '.repeat(4), 5))
      g.push(p);
    g.end();
    assert.equal(g.looped, false);
    assert.match(g.text, /Get vaccinated every year/);
    assert.equal((g.text.match(/Wash your hands frequently/g) ?? []).length, 1);
  });

  it('stops a loop inside one sentence', () => {
    const r = run(`Please ${'stay informed and protect yourself from this virus '.repeat(5)}`, { context: null });
    assert.equal(r.looped, true);
    assert.ok((r.text.match(/stay informed/g) ?? []).length <= 3);
  });

  it('without a record nothing is held as a recitation; ordinary replies are shown whole', () => {
    const text =
      "The flu usually gets better in a week. Rest, drink fluids, and take paracetamol for fever. See a doctor if you can't breathe well or you feel worse after 5 days.";
    for (const ctx of [null, context]) {
      for (let seed = 1; seed <= 20; seed++) assert.equal(run(text, { context: ctx, seed }).text, text);
    }
  });

  it('a first token like "The" is released as soon as the next word shows it is not a recitation', () => {
    const emitted: string[] = [];
    const g = new ReplyGuard({ context, emit: (t) => emitted.push(t) });
    g.push('The');
    assert.equal(emitted.length, 0, 'held: could be "The person\'s own health record"');
    g.push(' flu');
    assert.equal(emitted.join(''), 'The flu', 'released');
    g.push(' is');
    assert.equal(emitted.join(''), 'The flu is', 'then token by token');
    const h = new ReplyGuard({ context, emit: (t) => emitted.push(t) });
    emitted.length = 0;
    h.push('Rest');
    assert.equal(emitted.join(''), 'Rest', 'a word no recitation starts with streams at once');
  });

  it('with a soft limit, a long reply ends at the first full sentence past it', () => {
    const topics = [
      'fluids',
      'rest',
      'sleep',
      'fever',
      'cough',
      'throat',
      'nose',
      'diet',
      'work',
      'school',
      'pain',
      'care',
    ];
    const text =
      topics.map((t, i) => `Point ${i} is about your ${t}, which matters for getting well soon (${i}).`).join(' ') +
      ' And then more';
    let enough = 0;
    const g = new ReplyGuard({ context: null, emit: () => undefined, softLimitWords: 40, onEnough: () => enough++ });
    for (const p of pieces(text, 3)) g.push(p);
    g.end();
    assert.equal(enough, 1);
    assert.equal(g.enough, true);
    assert.match(g.text, /\(3\)\.\s*$/, g.text);
    assert.equal(g.dropped.length, 0);
    const words = g.text.split(/\s+/).filter(Boolean).length;
    assert.ok(words >= 40 && words < 60, `${words} words`);
  });

  it('a recitation cut off at the end of the stream is still judged', () => {
    const r = run("Drink water.\nThe person's own health record (shared with");
    assert.equal(r.text, 'Drink water.\n');
  });
});
