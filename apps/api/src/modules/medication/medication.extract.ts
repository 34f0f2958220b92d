/**
 * Finding drugs, allergies and conditions in free text (EN/DE/FR/ES): what a person says they take
 * ("I'm on warfarin", "ich nehme Marcumar", "je prends du Doliprane"), ask about ("can I take
 * ibuprofen?", "is Advil ok"), are allergic to ("allergic to penicillin", "allergisch gegen",
 * "allergique à", "alérgico a", "Penicillinallergie") and the conditions they mention
 * ("schwanger", "kidney disease"). In a model's reply (`mode: 'reply'`) it finds the drugs the
 * reply recommends or mentions without advising against them.
 *
 * A mention is NEGATED when a cue ("not", "no longer", "stopped", "nicht", "kein", "ne … pas",
 * "plus", "ya no", "sin"…; in replies also "avoid", "instead of", "évitez", "evite") stands within
 * six words before it in its clause with no scope break in between (a new subject "I", "ich", "je";
 * "if", "whether", "can", "ob", "si"…; "not sure", "don't know" are not negations of the drug), or
 * a post-cue follows it ("warfarin: stopped", "nicht mehr", "anymore", in replies "is not
 * recommended"). Past use ("used to take", "früher") counts as negated.
 */
import type { Concept, Lexicon, TermHit } from './medication.lexicon.js';
import { splitText, type Clause } from './medication.text.js';

export type MentionRole = 'taking' | 'asking' | 'mentioned' | 'allergy';

export interface Mention {
  concept: Concept;
  role: MentionRole;
  negated: boolean;
  /** Brand name as written in the lexicon when the person used a brand, else null. */
  brand: string | null;
  /** The folded words that matched. */
  term: string;
}

export interface Extraction {
  mentions: Mention[];
  /** Age stated in the text ("I'm 68", "j'ai 70 ans"), or null. */
  age: number | null;
}

export type ExtractMode = 'user' | 'reply';

const set = (words: string) => new Set(words.split(' '));

const NEGATION = set(
  'no not never dont doesnt didnt isnt arent wasnt werent havent hasnt hadnt wont without nor neither none stopped quit discontinued ' +
    'nicht kein keine keinen keinem keiner keines nie niemals ohne abgesetzt aufgehort ' +
    'ne n pas jamais sans aucun aucune arrete arretee ' +
    'nunca sin ningun ninguno ninguna deje dejado suspendi ' +
    'formerly previously fruher autrefois anteriormente',
);
const REPLY_NEGATION = set(
  'avoid avoiding avoided instead rather unsafe contraindicated dangerous risky ' +
    'vermeiden vermeide meiden verzichten verzichte ' +
    'evitez eviter evite evitar evita evitarse deconseille deconseillee',
);
const POST_NEGATION = set('anymore stopped discontinued abgesetzt nicht aufgehort ya');
const REPLY_POST_NEGATION = set(
  'not avoided unsafe contraindicated dangerous risky nicht vermeiden pas deconseille deconseillee evitez no evitar',
);
/** Words the negation does not reach past: a new subject or a new question. */
const SCOPE_BREAK = set(
  'i im ive id he she they we you it if whether can could should may might would will because since which who when while ' +
    'know sure think remember wonder mind idea ' +
    'ich er sie wir es ob weil dass wenn kann konnte darf soll sollte weiss sicher ' +
    'je j il elle nous vous on si que parce peux puis peut sais sur ' +
    'yo ella nosotros usted puedo puede debo porque si seguro',
);
const ALLERGY_CUES = set(
  'allergic allergy allergies allergisch allergie allergien allergique allergiques alergico alergica alergicos alergicas alergia alergias ' +
    'hypersensitive hypersensitivity intolerant intolerance unvertraglichkeit intolerancia intolerante anaphylaxis anaphylactic react reacted reaction reactions rash hives ' +
    'reagiere reagiert vertrage reagis reagi reacciono',
);
const TAKING_CUES = set(
  'take takes taking took on using use prescribed given nehme nimmt nehmen genommen bekomme einnehmen prends prend pris prenais sous tomo toma tomando tome tomaba estoy uso',
);
const ASKING_CUES = set(
  'can could may should safe ok okay alright allowed recommend kann darf soll sollte empfehlen puis peux peut dois conseillez puedo puede debo recomiendas recomienda',
);
const CONJUNCTIONS = set('and or und oder et ou y o e');
const COMPOUND_ALLERGY = /^([a-z]{4,}?)(allergie|allergy|unvertraglichkeit)$/;

const AGE_PATTERNS = [
  /\b(\d{1,3}) (?:years? old|yrs? old|year old|yo|jahre alt|jahrig|ans|anos)\b/,
  /\b(?:i am|im|i m|aged|ich bin|tengo|j ai) (\d{1,3})\b(?! (?:weeks?|months?|days?|wochen|monate|tage|semaines|mois|jours|semanas|meses|dias|kg|kilos?|lbs?|pounds?|cm|mg|times|x)\b)/,
];

function isNegatedBefore(tokens: readonly string[], start: number, reply: boolean): boolean {
  for (let j = start - 1, seen = 0; j >= 0 && seen < 6; j--, seen++) {
    const w = tokens[j]!;
    if (NEGATION.has(w) || (reply && REPLY_NEGATION.has(w))) {
      // "not sure", "don't know", "no idea" end at the scope break ("sure", "know", "if") after them.
      return true;
    }
    if (w === 'used' && tokens[j + 1] === 'to') return true;
    if (w === 'off' && start - j <= 2) return true;
    if (SCOPE_BREAK.has(w)) return false;
    // "not on warfarin and aspirin": a list goes on; "no asthma and I take …" / "and take …" does not.
    if (CONJUNCTIONS.has(w) && j + 1 !== start) return false;
  }
  return false;
}

function isNegatedAfter(tokens: readonly string[], end: number, reply: boolean): boolean {
  for (let j = end; j < Math.min(tokens.length, end + 3); j++) {
    const w = tokens[j]!;
    if (POST_NEGATION.has(w) && !(w === 'ya' && tokens[j + 1] !== 'no')) return true;
    if (w === 'any' && tokens[j + 1] === 'more') return true;
    if (w === 'no' && tokens[j + 1] === 'more') return true;
    if (w === 'years' && tokens[j + 1] === 'ago') return true;
    if (reply && REPLY_POST_NEGATION.has(w)) return true;
  }
  return false;
}

/** Nearest role cue before the mention in its clause. */
function roleBefore(tokens: readonly string[], start: number): MentionRole | null {
  for (let j = start - 1; j >= 0 && start - j <= 8; j--) {
    const w = tokens[j]!;
    if (ALLERGY_CUES.has(w)) return 'allergy';
    if (TAKING_CUES.has(w)) return 'taking';
    if (ASKING_CUES.has(w)) return 'asking';
    if (w === 'i' || w === 'ich' || w === 'je' || w === 'yo') {
      // a new subject: a cue before it belongs to another statement
      if (start - j > 1) return null;
    }
  }
  return null;
}

/** "penicillin allergy", "penicillin and sulfa allergies", "Penicillin-Allergie". */
function allergyAfter(tokens: readonly string[], end: number, hits: ReadonlyMap<number, TermHit>): boolean {
  for (let j = end; j < Math.min(tokens.length, end + 6);) {
    const w = tokens[j]!;
    if (ALLERGY_CUES.has(w)) return true;
    if (CONJUNCTIONS.has(w)) {
      j++;
      continue;
    }
    const h = hits.get(j);
    if (h) {
      j += h.length;
      continue;
    }
    return false;
  }
  return false;
}

function extractClause(
  lexicon: Lexicon,
  clause: Clause,
  question: boolean,
  mode: ExtractMode,
  inheritAllergy: boolean,
  out: Mention[],
): boolean {
  const tokens: string[] = [];
  // German compounds: "penicillinallergie" → "penicillin allergie".
  for (const t of clause.tokens) {
    const m = COMPOUND_ALLERGY.exec(t);
    if (m && lexicon.match([m[1]!], 0)) tokens.push(m[1]!, m[2]!);
    else tokens.push(t);
  }
  const hits = new Map<number, TermHit>();
  for (let i = 0; i < tokens.length;) {
    const h = lexicon.match(tokens, i);
    if (h) {
      hits.set(i, h);
      i += h.length;
    } else i++;
  }
  const reply = mode === 'reply';
  const asking = tokens.some((t) => ASKING_CUES.has(t));
  let hasAllergyCue = inheritAllergy;
  for (const [i, h] of hits) {
    const negated = isNegatedBefore(tokens, i, reply) || isNegatedAfter(tokens, i + h.length, reply);
    let role: MentionRole = 'mentioned';
    if (!reply) {
      const before = roleBefore(tokens, i);
      if (before === 'allergy' || allergyAfter(tokens, i + h.length, hits) || (inheritAllergy && before === null))
        role = 'allergy';
      else if (asking) role = 'asking';
      else if (before === 'taking') role = 'taking';
      else if (question) role = 'asking';
    }
    if (role === 'allergy') hasAllergyCue = true;
    out.push({ concept: h.concept, role, negated, brand: h.brand, term: h.term });
  }
  if (tokens.some((t) => ALLERGY_CUES.has(t))) hasAllergyCue = true;
  return hasAllergyCue;
}

/** Mentions in one message (or reply), in order. Never throws on odd input. */
export function extractMentions(lexicon: Lexicon, text: string, mode: ExtractMode = 'user'): Extraction {
  const mentions: Mention[] = [];
  let age: number | null = null;
  for (const sentence of splitText(text)) {
    let allergyContext = false;
    for (const clause of sentence.clauses) {
      const inherit = clause.afterExcept && allergyContext;
      allergyContext = extractClause(lexicon, clause, sentence.question, mode, inherit, mentions);
      if (age === null && mode === 'user') {
        const joined = clause.tokens.join(' ');
        for (const p of AGE_PATTERNS) {
          const m = p.exec(joined);
          const n = m ? Number(m[1]) : NaN;
          if (n >= 1 && n <= 120) {
            age = n;
            break;
          }
        }
      }
    }
  }
  return { mentions, age };
}

/** Every cue word the extractor reads: never spelling-corrected into a drug name ("allergie" ≠ Allergex). */
export const CUE_WORDS: ReadonlySet<string> = new Set([
  ...NEGATION,
  ...REPLY_NEGATION,
  ...POST_NEGATION,
  ...REPLY_POST_NEGATION,
  ...SCOPE_BREAK,
  ...ALLERGY_CUES,
  ...TAKING_CUES,
  ...ASKING_CUES,
]);
