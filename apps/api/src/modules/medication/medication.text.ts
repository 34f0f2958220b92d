/**
 * Text folding for the medication checker: one form that drug, class and condition names and
 * free text are compared in. Lower case, accents removed (NFKD: "Ibuprofène" → "ibuprofene",
 * "Blutverdünner" → "blutverdunner", "ß" → "ss"), apostrophes dropped inside words ("don't" →
 * "dont", "I'm" → "im") but French elisions kept apart ("l'ibuprofène" → "l ibuprofene"), every
 * other symbol to a space.
 *
 * Free text is split into sentences (. ! ? ; new line) and each sentence into clauses (commas,
 * colons, brackets, and contrastive words in EN/DE/FR/ES such as "but", "aber", "mais", "pero"):
 * a negation reaches only to the end of its clause.
 */

const ELISION = /\b(l|d|j|n|s|m|t|c|qu|jusqu|lorsqu|puisqu)['’`´](?=\p{L})/giu;

/** Fold one piece of text (a name, a clause) to lower-case ASCII words separated by single spaces. */
export function fold(input: string): string {
  return input
    .replace(ELISION, '$1 ')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/['’`´]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Words that end a clause (and a negation's reach). Folded forms. */
const CLAUSE_WORDS = [
  'but',
  'however',
  'although',
  'though',
  'whereas',
  'except',
  'apart from',
  'besides',
  'other than',
  'instead',
  'aber',
  'jedoch',
  'sondern',
  'ausser',
  'ausser fur',
  'trotzdem',
  'mais',
  'cependant',
  'pourtant',
  'sauf',
  'a part',
  'excepte',
  'pero',
  'sino',
  'aunque',
  'excepto',
  'salvo',
  'menos',
  'sin embargo',
];
/** Clause words after which the new clause continues the previous one's list ("no allergies except penicillin"). */
export const EXCEPT_WORDS = new Set([
  'except',
  'apart from',
  'besides',
  'other than',
  'ausser',
  'ausser fur',
  'sauf',
  'a part',
  'excepte',
  'excepto',
  'salvo',
  'menos',
]);

const CLAUSE_SPLIT = new RegExp(
  `(?:[,:()\\[\\]]|\\s(?:${CLAUSE_WORDS.map((w) => w.replace(/ /g, '\\s+')).join('|')})(?=\\s|$))`,
  'g',
);

export interface Clause {
  tokens: string[];
  /** The clause follows an "except"-type word: it continues the previous clause's allergy list. */
  afterExcept: boolean;
}

export interface TextSentence {
  clauses: Clause[];
  question: boolean;
}

/** Split free text into sentences and clauses of folded tokens. */
export function splitText(input: string): TextSentence[] {
  const out: TextSentence[] = [];
  // A decimal point is not a sentence end ("2.5 mg").
  const text = input.replace(/(\d)[.,](\d)/g, '$1 $2').replace(/\b(st|dr|mr|mrs|ms|vs|ca|bzw|etc)\./gi, '$1 ');
  for (const raw of text.split(/(?<=[.!?;\n])|(?=[¿¡])/)) {
    const question = /[?¿]/.test(raw);
    const folded = raw
      .replace(ELISION, '$1 ')
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase();
    const clauses: Clause[] = [];
    let last = 0;
    let afterExcept = false;
    const push = (part: string, nextAfterExcept: boolean) => {
      const f = fold(part);
      if (f) clauses.push({ tokens: f.split(' '), afterExcept });
      afterExcept = nextAfterExcept;
    };
    for (const m of folded.matchAll(CLAUSE_SPLIT)) {
      push(folded.slice(last, m.index), EXCEPT_WORDS.has(fold(m[0])));
      last = m.index + m[0].length;
    }
    push(folded.slice(last), false);
    if (clauses.length) out.push({ clauses, question });
  }
  return out;
}

/** Optimal-string-alignment edit distance (insert, delete, substitute, swap two neighbours), capped. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}
