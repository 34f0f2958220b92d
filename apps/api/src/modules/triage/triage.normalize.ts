/**
 * Text normalization for red-flag triage: one canonical form that the rules' patterns are written
 * against. Lower case, plain quotes, contractions expanded ("can't" → "can not", "I'm" → "i am"),
 * common misspellings and chat shorthand fixed, letters repeated for emphasis collapsed ("sooo"),
 * and everything that is not a word, a digit or a clause boundary turned into single spaces.
 *
 * The output is split into sentences (on . ! ? ; : and new lines) and each sentence into clauses
 * (on commas and contrastive conjunctions such as "but", "however", "although"). Negation is
 * scoped to a clause; history ("last year") and resolution ("went away") to a sentence.
 *
 * `normalizeText` is the English form. German, French and Spanish go through `foldText` (accents and
 * umlauts folded, ß → ss, apostrophes and hyphens to spaces) and their own language pack's
 * `normalize` (`triage.language.ts`); `splitSentences` takes the pack's clause-break expression.
 */

/** Whole-word replacements applied after lower-casing (misspellings, shorthand, joined words). */
const WORD_FIXES: Record<string, string> = {
  // contractions typed without the apostrophe
  cant: 'can not',
  cannot: 'can not',
  dont: 'do not',
  doesnt: 'does not',
  didnt: 'did not',
  wont: 'will not',
  isnt: 'is not',
  arent: 'are not',
  wasnt: 'was not',
  werent: 'were not',
  havent: 'have not',
  hasnt: 'has not',
  hadnt: 'had not',
  couldnt: 'could not',
  shouldnt: 'should not',
  wouldnt: 'would not',
  aint: 'is not',
  im: 'i am',
  ive: 'i have',
  idk: 'i do not know',
  u: 'you',
  ur: 'your',
  pls: 'please',
  plz: 'please',
  bc: 'because',
  cuz: 'because',
  // chat shorthand with a clinical meaning
  kms: 'kill myself',
  od: 'overdose',
  oded: 'overdosed',
  // misspellings seen in symptom reports
  chset: 'chest',
  cheast: 'chest',
  chets: 'chest',
  chestpain: 'chest pain',
  hart: 'heart',
  heartattack: 'heart attack',
  attak: 'attack',
  atack: 'attack',
  brething: 'breathing',
  breating: 'breathing',
  breathng: 'breathing',
  breahting: 'breathing',
  brethe: 'breathe',
  breth: 'breath',
  siezure: 'seizure',
  seizer: 'seizure',
  seisure: 'seizure',
  sezure: 'seizure',
  siezures: 'seizures',
  unconcious: 'unconscious',
  unconsious: 'unconscious',
  unconscience: 'unconscious',
  unresponsve: 'unresponsive',
  suicidial: 'suicidal',
  sucidal: 'suicidal',
  suicidel: 'suicidal',
  suicdal: 'suicidal',
  sucide: 'suicide',
  suicde: 'suicide',
  suiside: 'suicide',
  anaphalaxis: 'anaphylaxis',
  anaphylaxsis: 'anaphylaxis',
  anafylaxis: 'anaphylaxis',
  anaphalactic: 'anaphylactic',
  bleading: 'bleeding',
  bleding: 'bleeding',
  bleedin: 'bleeding',
  swolen: 'swollen',
  sweling: 'swelling',
  tounge: 'tongue',
  throut: 'throat',
  throaght: 'throat',
  pils: 'pills',
  overdoes: 'overdose',
  stroak: 'stroke',
  strok: 'stroke',
  numbb: 'numb',
  dizzyness: 'dizziness',
  pregnent: 'pregnant',
  pregant: 'pregnant',
  preggers: 'pregnant',
  feaver: 'fever',
  fevar: 'fever',
  meningitus: 'meningitis',
  concusion: 'concussion',
  poisened: 'poisoned',
  poisining: 'poisoning',
};

/** Pronouns whose `'s` is "is" ("it's" → "it is"); any other `'s` is a possessive and dropped. */
const IS_PRONOUNS = new Set(['it', 'he', 'she', 'that', 'what', 'there', 'who', 'here', 'where', 'this', 'everything']);

/** Lower case and plain ASCII quotes; contractions expanded; misspellings fixed; single-spaced. */
export function normalizeText(input: string): string {
  let s = input.normalize('NFKC').toLowerCase();
  s = s.replace(/[\u2018\u2019\u201A\u201B\u2032\u00B4`]/g, "'").replace(/[\u201C\u201D\u201E\u2033]/g, '"');
  s = s.replace(/[\u2013\u2014\u2212]/g, '-');
  // Letters repeated for emphasis: "helllp", "sooo" (three or more → two; no English word needs three).
  s = s.replace(/([a-z])\1{2,}/g, '$1$1');
  // Joined or hyphenated forms of one concept.
  s = s.replace(/\bepi[\s-]?pens?\b/g, 'epipen').replace(/\bself[\s-]+harm/g, 'self harm');
  s = s.replace(/\bo\.d\.?(?=\s|$)/g, 'overdose');
  // Contractions with an apostrophe.
  s = s
    .replace(/\bwon't\b/g, 'will not')
    .replace(/\bcan't\b/g, 'can not')
    .replace(/\bshan't\b/g, 'shall not')
    .replace(/\bain't\b/g, 'is not')
    .replace(/n't\b/g, ' not')
    .replace(/\bi'm\b/g, 'i am')
    .replace(/'re\b/g, ' are')
    .replace(/'ve\b/g, ' have')
    .replace(/'ll\b/g, ' will')
    .replace(/'d\b/g, ' would')
    .replace(/\b([a-z]+)'s\b/g, (_m, w: string) => (IS_PRONOUNS.has(w) ? `${w} is` : w));
  // Clause boundaries survive as themselves; every other non-word character becomes a space.
  s = s.replace(/[^a-z0-9.,!?;:\n]+/g, ' ');
  // Decimal points and thousands separators are not boundaries: "39.5" → "39 5" (whole part kept).
  s = s.replace(/(\d)[.,](\d)/g, '$1 $2');
  s = s
    .split(/([.,!?;:\n])/)
    .map((part) =>
      part
        .split(' ')
        .map((w) => WORD_FIXES[w] ?? w)
        .join(' '),
    )
    .join('');
  return s.replace(/[ \t]+/g, ' ').trim();
}

/**
 * Language-neutral folding for the non-English packs and for language detection: NFKC, lower case,
 * ß → ss, æ/œ → ae/oe, every diacritic dropped (é → e, ñ → n, ä → a, ç → c), apostrophes, quotes
 * and hyphens to spaces (French elisions "j'ai" → "j ai", "Brust-Schmerzen" → "brust schmerzen"),
 * letters repeated for emphasis collapsed, every other symbol but clause boundaries to a space.
 * Plain code rather than a library: it is four `replace` calls on the platform's own Unicode
 * tables (`normalize('NFD')` + `\p{M}`), and it must be exactly what the patterns are written against.
 */
export function foldText(input: string): string {
  let s = input.normalize('NFKC').toLowerCase();
  s = s.replace(/ß/g, 'ss').replace(/æ/g, 'ae').replace(/œ/g, 'oe');
  s = s.normalize('NFD').replace(/\p{M}+/gu, '');
  s = s.replace(/([a-z])\1{2,}/g, '$1$1');
  s = s.replace(/[^a-z0-9.,!?;:\n]+/g, ' ');
  s = s.replace(/(\d)[.,](\d)/g, '$1 $2');
  return s.replace(/[ \t]+/g, ' ').trim();
}

/** Contrastive conjunctions end a clause (and so a negation's reach). */
export const englishClauseBreak =
  /\s*(?:,|\b(?:but|however|although|though|yet|except|whereas|apart from|aside from|and then|and now)\b)\s*/;

export interface Sentence {
  /** The sentence's clauses, normalized, in order. */
  clauses: string[];
  /** The whole sentence, normalized. */
  text: string;
}

/** Normalized sentences of a message, each split into clauses. Empty clauses are dropped. */
export function splitSentences(normalized: string, clauseBreak: RegExp = englishClauseBreak): Sentence[] {
  return normalized
    .split(/[.!?;:\n]+/)
    .map((sentence) => ({
      text: sentence.replace(/,/g, ' ').replace(/\s+/g, ' ').trim(),
      clauses: sentence
        .split(clauseBreak)
        .map((c) => c.trim())
        .filter((c) => c.length > 0),
    }))
    .filter((s) => s.clauses.length > 0);
}
