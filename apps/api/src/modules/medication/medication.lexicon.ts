/**
 * The compiled lexicon: every drug, class and condition name folded into one lookup table, with
 * each drug's references (its id, its classes and their ancestors, its ingredients and theirs) so a
 * rule naming "nsaid" matches Advil, and a rule naming "paracetamol" matches co-codamol.
 *
 * Misspellings: a word of five letters or more that is not a known name is compared, by edit
 * distance (with transpositions), with the names of the same first letter and a length within reach
 * (distance 1 up to 7 letters, 2 from 8 letters), so a lookup compares a few dozen names, and each
 * word's answer is cached. A list of everyday words close to a drug name ("alive" ~ Aleve) and the
 * extractor's cue words are never corrected. Written here rather than taken from a library: the
 * fuzzy-match packages on npm scan every candidate per word and lack the same-first-letter and
 * stop-word constraints that keep false matches rare; the distance itself is 25 lines.
 */
import type { MedicationData, DrugEntry, ClassEntry, ConditionEntry } from './medication.data.js';
import { editDistance, fold } from './medication.text.js';

export type ConceptKind = 'drug' | 'class' | 'condition';

export interface Concept {
  kind: ConceptKind;
  id: string;
  /** Display name (generic, English). */
  name: string;
}

export interface TermHit {
  concept: Concept;
  /** The brand as written in the data when the term is a brand name, else null. */
  brand: string | null;
  /** Number of tokens the term spans. */
  length: number;
  /** The folded term. */
  term: string;
  /** Edit distance when found by spelling correction (0 = exact). */
  distance: number;
}

/** Everyday words within edit distance of a drug or condition name: never corrected. */
const FUZZY_STOPWORDS = new Set(
  [
    // English
    'alive',
    'above',
    'alone',
    'alert',
    'allow',
    'apply',
    'after',
    'again',
    'about',
    'alike',
    'angry',
    'avoid',
    'bacon',
    'basic',
    'being',
    'below',
    'bread',
    'break',
    'cause',
    'cheap',
    'clear',
    'close',
    'could',
    'daily',
    'doing',
    'dozen',
    'early',
    'every',
    'fever',
    'fewer',
    'first',
    'flare',
    'focus',
    'force',
    'found',
    'going',
    'great',
    'heavy',
    'hours',
    'house',
    'later',
    'least',
    'level',
    'light',
    'local',
    'lower',
    'maybe',
    'means',
    'might',
    'minor',
    'money',
    'never',
    'night',
    'noted',
    'often',
    'other',
    'pains',
    'panel',
    'pills',
    'place',
    'plain',
    'point',
    'price',
    'rapid',
    'rather',
    'react',
    'ready',
    'safer',
    'since',
    'sleep',
    'small',
    'sorry',
    'still',
    'stool',
    'sugar',
    'taken',
    'takes',
    'their',
    'there',
    'these',
    'thing',
    'think',
    'those',
    'three',
    'times',
    'today',
    'tired',
    'under',
    'until',
    'using',
    'water',
    'weeks',
    'where',
    'which',
    'while',
    'whole',
    'worse',
    'would',
    'years',
    'yours',
    'allergic',
    'allergies',
    'allergy',
    'asthma',
    'doctor',
    'doctors',
    'better',
    'before',
    'become',
    'cancer',
    'cardio',
    'caught',
    'colder',
    'common',
    'contact',
    'cortex',
    'couple',
    'damage',
    'dosage',
    'during',
    'eating',
    'effect',
    'either',
    'enough',
    'female',
    'friend',
    'health',
    'little',
    'medical',
    'mother',
    'normal',
    'people',
    'period',
    'please',
    'pressure',
    'really',
    'recent',
    'regular',
    'should',
    'simple',
    'stress',
    'strong',
    'taking',
    'tablet',
    'tablets',
    'thanks',
    'though',
    'travel',
    'unsure',
    'urgent',
    'usually',
    'weight',
    'without',
    'worried',
    'advice',
    'advise',
    'advised',
    'around',
    'pharmacy',
    'pharmacist',
    'prescribed',
    'prescription',
    'medicine',
    'medicines',
    'medication',
    'medications',
    'control',
    'cramps',
    'dizzy',
    'nausea',
    'relief',
    'serious',
    'severe',
    'stomach',
    'symptom',
    'symptoms',
    'headache',
    'migraine',
    'infection',
    'another',
    'alcohol',
    'elderly',
    'mental',
    'metal',
    'motor',
    'nasal',
    'spray',
    'drops',
    'cream',
    'lotion',
    'capsule',
    'capsules',
    'syrup',
    'inhaler',
    'patch',
    'injection',
    'tramp',
    'trade',
    'super',
    'supper',
    'crest',
    'lyric',
    'lyrics',
    'social',
    'special',
    'brilliant',
    'lipid',
    'lipids',
    'insult',
    'insole',
    'zombie',
    'motive',
    'motion',
    'native',
    'nation',
    'lasik',
    'basis',
    'oasis',
    'axial',
    'animal',
    'anima',
    'amaryllis',
    'coming',
    'cocoa',
    'codes',
    'coded',
    'cider',
    'citrus',
    'cipher',
    'cobra',
    'concert',
    'consort',
    'congress',
    'contract',
    // German
    'aller',
    'allem',
    'alles',
    'allergisch',
    'aber',
    'heute',
    'immer',
    'jetzt',
    'kein',
    'keine',
    'nicht',
    'schon',
    'sehr',
    'seit',
    'wegen',
    'wieder',
    'wirklich',
    'tablette',
    'tabletten',
    'arzt',
    'arztin',
    'schmerzen',
    'kopfschmerzen',
    'nehme',
    'nehmen',
    'genommen',
    'bekomme',
    'darf',
    'sollte',
    'konnte',
    'vielleicht',
    'medikament',
    'medikamente',
    'erkaltung',
    'fieber',
    'husten',
    'schwanger',
    'stillen',
    'seitdem',
    'trotzdem',
    'wenig',
    'weniger',
    'zusammen',
    'danke',
    // French
    'alors',
    'aussi',
    'avant',
    'avoir',
    'depuis',
    'encore',
    'entre',
    'faire',
    'jamais',
    'merci',
    'parce',
    'peut',
    'plus',
    'pour',
    'quand',
    'toujours',
    'vraiment',
    'comprime',
    'comprimes',
    'medecin',
    'medicament',
    'medicaments',
    'douleur',
    'douleurs',
    'prends',
    'prendre',
    'enceinte',
    'allergique',
    'mal de tete',
    'fievre',
    'grippe',
    'rhume',
    'toux',
    'ventre',
    'estomac',
    'tension',
    'pression',
    'contre',
    'combien',
    'normal',
    'parfois',
    'souvent',
    'pendant',
    'apres',
    // Spanish
    'ahora',
    'antes',
    'desde',
    'donde',
    'entonces',
    'puedo',
    'puede',
    'tengo',
    'tomar',
    'tomando',
    'tambien',
    'siempre',
    'nunca',
    'gracias',
    'medico',
    'pastilla',
    'pastillas',
    'dolor',
    'dolores',
    'embarazada',
    'alergico',
    'alergica',
    'fiebre',
    'gripe',
    'resfriado',
    'estomago',
    'cabeza',
    'presion',
    'contra',
    'cuanto',
    'mucho',
    'poco',
    'despues',
    'durante',
    'porque',
    'seguro',
    'normal',
    'mientras',
    'alguna',
    'alguno',
    'nada',
    'todo',
    'todos',
    'estoy',
    'tomo',
  ].map((w) => fold(w)),
);

const FUZZY_MIN_LENGTH = 5;
const maxDistanceFor = (length: number) => (length >= 8 ? 2 : 1);

export interface LexiconOptions {
  /** More words never spelling-corrected (the extractor's cue words: "allergie", "nehme"…). */
  stopwords?: Iterable<string>;
}

export interface Lexicon {
  drugs: Map<string, DrugEntry>;
  classes: Map<string, ClassEntry>;
  conditions: Map<string, ConditionEntry>;
  /** References of a drug or class: itself, its classes and their ancestors, its ingredients and theirs. */
  refsOf(conceptId: string): ReadonlySet<string>;
  /** Longest known term starting at `tokens[i]` (exact, plural, compound or misspelled), or null. */
  match(tokens: readonly string[], i: number): TermHit | null;
  /** Every concept named in a short text (a card entry), in order. */
  scan(text: string): TermHit[];
}

export function compileLexicon(data: MedicationData, options: LexiconOptions = {}): Lexicon {
  const drugs = new Map(data.drugs.map((d) => [d.id, d]));
  const classes = new Map(data.classes.map((c) => [c.id, c]));
  const conditions = new Map(data.conditions.map((c) => [c.id, c]));

  // ------------------------------------------------------------------ references
  const classAncestors = new Map<string, Set<string>>();
  const ancestorsOf = (id: string): Set<string> => {
    const cached = classAncestors.get(id);
    if (cached) return cached;
    const set = new Set<string>([id]);
    for (const p of classes.get(id)?.parents ?? []) for (const a of ancestorsOf(p)) set.add(a);
    classAncestors.set(id, set);
    return set;
  };
  const drugRefs = new Map<string, Set<string>>();
  const refsOfDrug = (id: string, depth = 0): Set<string> => {
    const cached = drugRefs.get(id);
    if (cached) return cached;
    const d = drugs.get(id)!;
    const set = new Set<string>([id]);
    for (const c of d.classes) for (const a of ancestorsOf(c)) set.add(a);
    if (depth < 4) for (const g of d.ingredients ?? []) for (const r of refsOfDrug(g, depth + 1)) set.add(r);
    drugRefs.set(id, set);
    return set;
  };
  const empty = new Set<string>();
  const refsOf = (id: string): ReadonlySet<string> =>
    drugs.has(id) ? refsOfDrug(id) : classes.has(id) ? ancestorsOf(id) : empty;

  // ------------------------------------------------------------------ terms
  const terms = new Map<string, { concept: Concept; brand: string | null; length: number }>();
  /** First tokens of multi-word terms, with the longest length starting there. */
  const multiStart = new Map<string, number>();
  const add = (raw: string, concept: Concept, brand: string | null, joinedToo = true) => {
    const term = fold(raw);
    if (!term) return;
    const existing = terms.get(term);
    // The first concept to claim a term keeps it (drugs are added before classes and conditions).
    if (existing) return;
    const words = term.split(' ');
    terms.set(term, { concept, brand, length: words.length });
    if (words.length > 1) {
      multiStart.set(words[0]!, Math.max(multiStart.get(words[0]!) ?? 0, words.length));
      const joined = words.join('');
      if (joinedToo && joined.length >= FUZZY_MIN_LENGTH && !terms.has(joined)) add(joined, concept, brand, false);
    }
  };
  for (const d of data.drugs) {
    const concept: Concept = { kind: 'drug', id: d.id, name: d.name };
    for (const t of d.terms) add(t, concept, null);
    for (const b of d.brands) add(b, concept, b);
  }
  for (const c of data.classes) for (const t of c.terms) add(t, { kind: 'class', id: c.id, name: c.name }, null);
  for (const c of data.conditions) for (const t of c.terms) add(t, { kind: 'condition', id: c.id, name: c.name }, null);

  // ------------------------------------------------------------------ fuzzy index (single-word terms)
  // Buckets by first letter and length: a misspelling keeps its first letter (checked) and its
  // length within the allowed distance, so only a few dozen names are ever compared.
  const buckets = new Map<string, string[]>();
  for (const term of terms.keys()) {
    if (term.includes(' ') || term.length < FUZZY_MIN_LENGTH || term.length > 24 || /\d/.test(term)) continue;
    const key = `${term[0]}${term.length}`;
    const list = buckets.get(key);
    if (list) list.push(term);
    else buckets.set(key, [term]);
  }
  const stopwords = new Set([...FUZZY_STOPWORDS, ...[...(options.stopwords ?? [])].map((w) => fold(w))]);
  const fuzzyCache = new Map<string, string | null>();
  const correct = (word: string): string | null => {
    const cached = fuzzyCache.get(word);
    if (cached !== undefined) return cached;
    let best: string | null = null;
    let bestDistance = Infinity;
    if (word.length >= FUZZY_MIN_LENGTH && word.length <= 26 && !stopwords.has(word) && !/\d/.test(word)) {
      const reach = maxDistanceFor(word.length);
      for (let len = word.length - reach; len <= word.length + reach; len++) {
        for (const cand of buckets.get(`${word[0]}${len}`) ?? []) {
          const max = Math.min(maxDistanceFor(cand.length), reach);
          if (Math.abs(cand.length - word.length) > max) continue;
          const dist = editDistance(word, cand, max);
          if (dist <= max && (dist < bestDistance || (dist === bestDistance && best !== null && cand < best))) {
            best = cand;
            bestDistance = dist;
          }
        }
      }
    }
    if (fuzzyCache.size > 50_000) fuzzyCache.clear();
    fuzzyCache.set(word, best);
    return best;
  };

  const hit = (term: string, distance: number): TermHit => {
    const t = terms.get(term)!;
    return { concept: t.concept, brand: t.brand, length: t.length, term, distance };
  };

  const match = (tokens: readonly string[], i: number): TermHit | null => {
    const first = tokens[i]!;
    const longest = multiStart.get(first);
    if (longest) {
      for (let n = Math.min(longest, tokens.length - i); n >= 2; n--) {
        const key = tokens.slice(i, i + n).join(' ');
        if (terms.has(key)) return hit(key, 0);
      }
    }
    if (terms.has(first)) return hit(first, 0);
    if (first.length < 4) return null;
    // Plurals and German/French/Spanish endings of a known name ("statins", "ibuprofens").
    if (first.endsWith('s') && terms.has(first.slice(0, -1))) return hit(first.slice(0, -1), 0);
    // A German compound with "allergie"/"unvertraglichkeit" is handled by the extractor; here a
    // name glued to a dose ("ibuprofen400") is split.
    const glued = /^([a-z]{4,})\d+(?:mg|g|ml)?$/.exec(first);
    if (glued && terms.has(glued[1]!)) return hit(glued[1]!, 0);
    const corrected = correct(first);
    return corrected ? hit(corrected, editDistance(first, corrected, 2)) : null;
  };

  const scan = (text: string): TermHit[] => {
    const tokens = fold(text).split(' ').filter(Boolean);
    const out: TermHit[] = [];
    for (let i = 0; i < tokens.length;) {
      const h = match(tokens, i);
      if (h) {
        out.push(h);
        i += h.length;
      } else i++;
    }
    return out;
  };

  return { drugs, classes, conditions, refsOf, match, scan };
}
