/**
 * Medication-safety bench: what the checker adds to a reply's time to first token (before the
 * model: the card and the conversation) and after it (the reply check). Budget: checker and
 * retrieval together ≤ 20 ms p99.
 *
 *   node --conditions=development --import tsx bench/medication.bench.ts
 *
 * Cases, against red-flag triage's `assess` of the same conversation (the deterministic layer that
 * already runs on every message), side by side:
 * 1. `check`: card (4 medications, 2 allergies, 3 conditions, age) + a 10-message conversation.
 * 2. `checkReply`: a 500-token reply, with the same context.
 * 3. Both (what one turn costs), and both with 20 never-seen words per op (spelling correction with
 *    an empty cache: the worst case).
 * Also printed: the one-off cost of loading and compiling the data (boot).
 */
import { performance } from 'node:perf_hooks';
import {
  createMedicationChecker,
  type MedicationContext,
} from '../apps/api/src/modules/medication/medication.checker.js';
import { createTriage } from '../apps/api/src/modules/triage/triage.service.js';
import { compare } from './lib.js';

const t0 = performance.now();
const checker = createMedicationChecker();
const bootMs = performance.now() - t0;
const triage = createTriage({ emergencyNumber: '112' });

const messages = [
  "Hi, I'm 68 and I have had a sore back for a week after gardening.",
  'I take warfarin for atrial fibrillation and ramipril for my blood pressure.',
  'Also atorvastatin in the evening, and sometimes Nytol when I cannot sleep.',
  "I'm allergic to penicillin, it gave me a rash years ago. No other allergies.",
  'The pain is worse in the morning and gets better when I walk around a bit.',
  "I don't have a fever and there's no numbness in my legs.",
  'My friend said Advil works well for her, is that something I could try?',
  'Or would paracetamol be better? I used to take co-codamol but stopped.',
  'Ich habe auch manchmal Kopfschmerzen, darf ich Aspirin nehmen?',
  'What else can I do for the pain at home, and when should I see a doctor?',
];
const card: MedicationContext['card'] = {
  age: 68,
  medications: [
    { name: 'Warfarin 5 mg' },
    { name: 'Ramipril 10mg' },
    { name: 'Atorvastatin 20 mg' },
    { name: 'Omeprazole' },
  ],
  allergies: [{ substance: 'Penicillin', reaction: 'rash' }, { substance: 'latex' }],
  conditions: [{ name: 'Atrial fibrillation' }, { name: 'Hypertension' }, { name: 'Osteoarthritis' }],
};
const context: MedicationContext = { card, messages, readings: { systolic: 148, diastolic: 88 } };

const sentences = [
  'Back pain after gardening is common and usually improves within a few weeks with gentle movement.',
  'Because you take warfarin, paracetamol is usually the safer painkiller; take it at the dose on the pack.',
  'Anti-inflammatory painkillers such as ibuprofen or naproxen raise the risk of bleeding with warfarin, so avoid them unless your doctor says otherwise.',
  'A warm compress, staying active and short walks often help more than rest in bed.',
  'If the pain spreads down your leg, you notice numbness, or you have trouble passing urine, see a doctor the same day.',
  'You could also ask your pharmacist about a heat patch or gentle stretching exercises.',
  'Keep taking your ramipril and atorvastatin as prescribed.',
];
let reply = '';
for (let i = 0; reply.split(/\s+/).length < 380; i++) reply += sentences[i % sentences.length] + ' ';
// ~380 words ≈ 500 tokens for a Llama-family tokenizer.
const words = reply.split(/\s+/).length;

const assessAll = () => {
  for (const m of messages) triage.assess(m);
};
const assessAllAndReply = () => {
  assessAll();
  triage.assess(reply);
};
let n = 0;
const freshWords = () => {
  let s = '';
  for (let i = 0; i < 20; i++) s += ` zorvalimex${(n++).toString(36)}`;
  return s;
};

console.log(`\nmedication data compiled in ${bootMs.toFixed(1)} ms (boot, once); reply ${words} words`);
const warnings = checker.check(context);
const replyWarnings = checker.checkReply(reply, context);
console.log(
  `check: ${warnings.length} warnings (${warnings.map((w) => w.ruleId).join(', ')}); reply check: ${replyWarnings.length}`,
);

await compare(
  'medication check vs triage on the same conversation (per op)',
  ['triage.assess × 10 messages (baseline)', assessAll],
  [
    ['medication check (card + 10 messages)', () => checker.check(context)],
    [`medication checkReply (${words}-word reply)`, () => checker.checkReply(reply, context)],
  ],
  { batch: 50, rounds: 20 },
);
await compare(
  'one turn: everything deterministic before and after the model (per op)',
  ['triage.assess × 10 messages + reply (baseline)', assessAllAndReply],
  [
    ['medication check + checkReply', () => (checker.check(context), checker.checkReply(reply, context))],
    [
      'medication check + checkReply, 20 unseen words (cold spelling correction)',
      () => {
        const extra = freshWords();
        checker.check({ ...context, messages: [...messages.slice(0, 9), messages[9] + extra] });
        checker.checkReply(reply + extra, context);
      },
    ],
  ],
  { batch: 50, rounds: 20 },
);
