/**
 * The medication-safety checker: deterministic, pure (no I/O, no model), synchronous.
 *
 *   const checker = createMedicationChecker();            // compiles the data once (boot)
 *   checker.check({ card, messages, readings })            // warnings for the conversation so far
 *   checker.checkReply(replyText, { card, messages, … })   // warnings for drugs the reply recommends
 *
 * 1. Facts: drugs (card medications, and drugs the person says they take or asks about), allergies
 *    (card and conversation), conditions (card, conversation, readings such as blood pressure
 *    ≥ 140/90 or eGFR < 60, and age bands from age or date of birth). Messages are read oldest
 *    first; a later "I stopped warfarin" removes warfarin, including the card's (the person is
 *    telling us now). A class named in text ("blood thinners") counts as a drug of that class
 *    unless a specific drug of it is also known.
 * 2. Rules (data, medication.rules.ts): drug-drug (two or three groups, each matched by a
 *    different drug), drug-allergy (allergens → drugs, and '*' = the same substance or its class:
 *    penicillin allergy ⇒ amoxicillin, Augmentin…), drug-condition.
 * 3. Warnings: one per conflict (same kind, same drugs, same subject; the most severe rule wins),
 *    ordered by severity (contraindicated → minor), then kind, then id. Each carries its source.
 *
 * Unknown or misspelled-beyond-repair words are ignored; nothing a person types makes it throw.
 */
import { SAFETY_SEVERITIES, type SafetySeverity, type SafetyWarning } from '@medichat/shared';
import { loadMedicationData, type MedicationData, type RuleEntry } from './medication.data.js';
import { CUE_WORDS, extractMentions, type Extraction, type ExtractMode, type Mention } from './medication.extract.js';
import { compileLexicon, type Concept, type Lexicon } from './medication.lexicon.js';

export interface CardFacts {
  allergies?: ReadonlyArray<{ substance: string; reaction?: string | null; severity?: string | null }> | null;
  conditions?: ReadonlyArray<{ name: string }> | null;
  medications?: ReadonlyArray<{ name: string; dose?: string | null; schedule?: string | null }> | null;
  age?: number | null;
  /** `YYYY-MM-DD`; used when `age` is not given. */
  dateOfBirth?: string | null;
  sex?: string | null;
  /** Known pregnancy status; `true` adds the pregnancy condition. */
  pregnant?: boolean | null;
}

export interface Readings {
  systolic?: number | null;
  diastolic?: number | null;
  /** Kidney function, mL/min/1.73 m². */
  egfr?: number | null;
}

export interface MedicationContext {
  card?: CardFacts | null;
  /** The person's own messages, oldest first. */
  messages?: readonly string[] | null;
  readings?: Readings | null;
  /** "Today" for the age from a date of birth (default: now). */
  today?: Date;
}

/** A drug (or a class named as such) in play: taken, asked about, or recommended by the reply. */
export interface InvolvedDrug {
  concept: Concept;
  /** "Advil (ibuprofen)" when a brand was used, else the generic name. */
  label: string;
  origin: 'card' | 'conversation' | 'reply';
}

export interface InvolvedAllergy {
  concept: Concept;
  /** The allergy as the person named it ("penicillin", "sulfa"). */
  label: string;
  origin: 'card' | 'conversation';
}

export interface MedicationFacts {
  drugs: InvolvedDrug[];
  allergies: InvolvedAllergy[];
  /** Condition ids. */
  conditions: string[];
  age: number | null;
}

export interface MedicationChecker {
  check(context: MedicationContext): SafetyWarning[];
  checkReply(replyText: string, context: MedicationContext): SafetyWarning[];
  /** The facts the checker found (for logs, tests, the prompt). */
  facts(context: MedicationContext): MedicationFacts;
  extract(text: string, mode?: ExtractMode): Extraction;
  /**
   * Which of these card medications a responder must know about at once (an anticoagulant, insulin,
   * an opioid…): each flagged name with the reasons, in the order given. From the class data.
   */
  highRisk(medicationNames: readonly string[]): HighRiskMedication[];
}

export interface HighRiskMedication {
  medication: string;
  /** Plain-language reasons, e.g. "anticoagulant (\"blood thinner\")". */
  reasons: string[];
}

/**
 * Classes and drugs that change what a responder does (bleeding, hypoglycaemia, sedation, adrenal
 * crisis, narrow-margin drugs). A drug counts when its references (itself, its classes and their
 * ancestors) include one of these.
 */
const HIGH_RISK_REFS = [
  'anticoagulant',
  'antiplatelet',
  'insulin',
  'sulfonylurea',
  'opioid',
  'benzodiazepine',
  'antiepileptic',
  'corticosteroid',
  'beta-blocker',
  'digoxin',
  'lithium',
  'methotrexate',
] as const;

const MAX_TEXT = 16_000;
const SEVERITY_RANK = new Map<SafetySeverity, number>(SAFETY_SEVERITIES.map((s, i) => [s, i]));
const KIND_RANK = { 'drug-allergy': 0, 'drug-drug': 1, 'drug-condition': 2 } as const;

const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

function ageFrom(card: CardFacts | null | undefined, today: Date): number | null {
  if (typeof card?.age === 'number' && Number.isFinite(card.age) && card.age >= 0) return Math.floor(card.age);
  const dob = card?.dateOfBirth;
  if (typeof dob !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dob);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < mo || (today.getUTCMonth() + 1 === mo && today.getUTCDate() < d)) age--;
  return age >= 0 && age <= 130 ? age : null;
}

export function createMedicationChecker(data: MedicationData = loadMedicationData()): MedicationChecker {
  const lexicon: Lexicon = compileLexicon(data, { stopwords: CUE_WORDS });
  const sources = new Map(data.sources.map((s) => [s.id, s]));
  const conditionNames = new Map(data.conditions.map((c) => [c.id, c.name]));
  const drugRules = data.rules.filter((r): r is Extract<RuleEntry, { kind: 'drug-drug' }> => r.kind === 'drug-drug');
  const allergyRules = data.rules.filter(
    (r): r is Extract<RuleEntry, { kind: 'drug-allergy' }> => r.kind === 'drug-allergy',
  );
  const conditionRules = data.rules.filter(
    (r): r is Extract<RuleEntry, { kind: 'drug-condition' }> => r.kind === 'drug-condition',
  );

  const labelOf = (concept: Concept, brand: string | null) =>
    brand && concept.kind === 'drug' ? `${brand} (${concept.name})` : concept.name;

  const extract = (text: string, mode: ExtractMode = 'user'): Extraction => {
    if (typeof text !== 'string' || text.length === 0) return { mentions: [], age: null };
    return extractMentions(lexicon, text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text, mode);
  };

  const highRisk = (names: readonly string[]): HighRiskMedication[] => {
    const out: HighRiskMedication[] = [];
    for (const medication of names) {
      if (typeof medication !== 'string' || !medication) continue;
      const reasons = new Set<string>();
      for (const h of lexicon.scan(medication.slice(0, 500))) {
        if (h.concept.kind === 'condition') continue;
        const refs = lexicon.refsOf(h.concept.id);
        for (const id of HIGH_RISK_REFS) {
          if (!refs.has(id)) continue;
          reasons.add(lexicon.classes.get(id)?.name ?? lexicon.drugs.get(id)?.name ?? id);
        }
      }
      if (reasons.size) out.push({ medication, reasons: [...reasons] });
    }
    return out;
  };

  const facts = (context: MedicationContext): MedicationFacts => {
    const card = context.card ?? null;
    const drugs = new Map<string, InvolvedDrug>();
    const allergies = new Map<string, InvolvedAllergy>();
    const conditions = new Set<string>();
    const textConditions = new Set<string>();

    // ---------------------------------------------------------------- the card
    for (const med of card?.medications ?? []) {
      if (typeof med?.name !== 'string') continue;
      for (const h of lexicon.scan(med.name.slice(0, 500))) {
        if (h.concept.kind === 'condition') continue;
        drugs.set(h.concept.id, { concept: h.concept, label: labelOf(h.concept, h.brand), origin: 'card' });
      }
    }
    for (const a of card?.allergies ?? []) {
      if (typeof a?.substance !== 'string') continue;
      for (const h of lexicon.scan(a.substance.slice(0, 500))) {
        if (h.concept.kind === 'condition') continue;
        allergies.set(h.concept.id, { concept: h.concept, label: a.substance.trim().toLowerCase(), origin: 'card' });
      }
    }
    for (const c of card?.conditions ?? []) {
      if (typeof c?.name !== 'string') continue;
      for (const m of extract(c.name.slice(0, 500)).mentions) {
        if (m.negated) continue;
        if (m.concept.kind === 'condition') conditions.add(m.concept.id);
        else if (m.role === 'allergy')
          allergies.set(m.concept.id, { concept: m.concept, label: m.term, origin: 'card' });
      }
    }
    if (card?.pregnant === true) conditions.add('pregnancy');

    // ---------------------------------------------------------------- the conversation, oldest first
    let textAge: number | null = null;
    const textAllergies = new Map<string, InvolvedAllergy>();
    for (const message of context.messages ?? []) {
      if (typeof message !== 'string') continue;
      const ex = extract(message);
      textAge = ex.age ?? textAge;
      for (const m of ex.mentions) applyMention(m, drugs, textAllergies, textConditions);
    }
    for (const [k, v] of textAllergies) if (!allergies.has(k)) allergies.set(k, v);
    for (const c of textConditions) conditions.add(c);

    // ---------------------------------------------------------------- readings, age
    const r = context.readings;
    if (
      r &&
      ((typeof r.systolic === 'number' && r.systolic >= 140) || (typeof r.diastolic === 'number' && r.diastolic >= 90))
    )
      conditions.add('hypertension');
    if (r && typeof r.egfr === 'number' && r.egfr < 60) conditions.add('kidney-disease');
    const age = ageFrom(card, context.today ?? new Date()) ?? textAge;
    if (age !== null) {
      if (age >= 65) conditions.add('age-65-plus');
      if (age < 16) conditions.add('age-under-16');
      if (age < 12) conditions.add('age-under-12');
    }
    if (card?.sex === 'male') conditions.delete('breastfeeding');

    return { drugs: [...drugs.values()], allergies: [...allergies.values()], conditions: [...conditions], age };
  };

  function applyMention(
    m: Mention,
    drugs: Map<string, InvolvedDrug>,
    allergies: Map<string, InvolvedAllergy>,
    conditions: Set<string>,
  ): void {
    const id = m.concept.id;
    if (m.concept.kind === 'condition') {
      if (m.negated) conditions.delete(id);
      else conditions.add(id);
      return;
    }
    if (m.role === 'allergy') {
      if (m.negated) allergies.delete(id);
      else allergies.set(id, { concept: m.concept, label: m.term, origin: 'conversation' });
      return;
    }
    if (m.negated) drugs.delete(id);
    else if (!drugs.has(id))
      drugs.set(id, { concept: m.concept, label: labelOf(m.concept, m.brand), origin: 'conversation' });
  }

  // ------------------------------------------------------------------ rules
  const matches = (refs: ReadonlySet<string>, list: readonly string[], except?: readonly string[]) =>
    list.some((r) => refs.has(r)) && !(except ?? []).some((r) => refs.has(r));

  /** Drop a class named in text when a specific drug of that class is also involved. */
  const withoutSubsumed = (drugs: InvolvedDrug[]) =>
    drugs.filter(
      (d) =>
        d.concept.kind === 'drug' ||
        !drugs.some((o) => o !== d && o.concept.kind === 'drug' && lexicon.refsOf(o.concept.id).has(d.concept.id)),
    );

  /** The same drug, or a class named in text and a drug of that class: never a pair. */
  const related = (a: InvolvedDrug, b: InvolvedDrug) =>
    a.concept.id === b.concept.id ||
    (a.concept.kind === 'class' && lexicon.refsOf(b.concept.id).has(a.concept.id)) ||
    (b.concept.kind === 'class' && lexicon.refsOf(a.concept.id).has(b.concept.id));

  /**
   * What an allergy is an allergy TO, for class rules: the allergen itself, a drug's own classes,
   * and a combination's ingredients and their classes, but not the classes' ancestors (an
   * amoxicillin allergy is a penicillin allergy, not an allergy to every beta-lactam or antibiotic).
   */
  const allergenKeys = (concept: Concept): Set<string> => {
    const keys = new Set<string>([concept.id]);
    const drug = lexicon.drugs.get(concept.id);
    for (const c of drug?.classes ?? []) keys.add(c);
    for (const g of drug?.ingredients ?? []) {
      keys.add(g);
      for (const c of lexicon.drugs.get(g)?.classes ?? []) keys.add(c);
    }
    return keys;
  };

  const sourceOf = (rule: RuleEntry) => {
    const s = sources.get(rule.source)!;
    return s.url ? { name: s.name, url: s.url } : { name: s.name };
  };

  const warn = (
    rule: RuleEntry,
    involved: InvolvedDrug[],
    subject: string,
    subjectKey: string,
    what: string,
  ): SafetyWarning & { key: string } => {
    const ids = involved.map((d) => d.concept.id);
    const key = `${rule.kind}:${[...ids].sort().join('+')}:${subjectKey}`;
    return {
      key,
      id: `${rule.id}:${ids.join('+')}:${subjectKey}`,
      ruleId: rule.id,
      kind: rule.kind,
      severity: rule.severity,
      drugs: involved.map((d) => d.concept.name),
      subject,
      what,
      why: rule.why,
      advice: rule.advice,
      source: sourceOf(rule),
    };
  };

  const evaluate = (f: MedicationFacts): Array<SafetyWarning & { key: string }> => {
    const out: Array<SafetyWarning & { key: string }> = [];
    const drugs = withoutSubsumed(f.drugs);
    const refs = (d: InvolvedDrug) => lexicon.refsOf(d.concept.id);

    // drug-drug
    for (const rule of drugRules) {
      const candidates = rule.groups.map((g) => drugs.filter((d) => matches(refs(d), g, rule.except)));
      if (candidates.some((c) => c.length === 0)) continue;
      const seen = new Set<string>();
      const pick = (gi: number, chosen: InvolvedDrug[]) => {
        if (gi === candidates.length) {
          const key = chosen
            .map((d) => d.concept.id)
            .sort()
            .join('+');
          if (seen.has(key)) return;
          seen.add(key);
          const [first, ...others] = chosen;
          const names = others.map((d) => d.label).join(' and ');
          const all = chosen.map((d) => d.label).join(', ');
          const what = rule.what
            ? rule.what.replace('{drugs}', all).replace('{drug}', first!.label)
            : `${capitalize(first!.label)} with ${names}`;
          out.push(warn(rule, chosen, names, others.map((d) => d.concept.id).join('+'), capitalize(what)));
          return;
        }
        for (const d of candidates[gi]!) if (!chosen.some((c) => related(c, d))) pick(gi + 1, [...chosen, d]);
      };
      pick(0, []);
    }
    // drug-allergy
    for (const allergy of f.allergies) {
      const allergenRefs = allergenKeys(allergy.concept);
      for (const d of drugs) {
        const dRefs = refs(d);
        for (const rule of allergyRules) {
          const fires = rule.allergens.includes('*')
            ? dRefs.has(allergy.concept.id)
            : matches(allergenRefs, rule.allergens) && matches(dRefs, rule.drugs, rule.except);
          if (!fires) continue;
          const subject = `${allergy.label} allergy`;
          out.push(
            warn(rule, [d], subject, `allergy-${allergy.concept.id}`, `${capitalize(d.label)} and your ${subject}`),
          );
        }
      }
    }
    // drug-condition
    for (const rule of conditionRules) {
      const present = rule.conditions.filter((c) => f.conditions.includes(c));
      if (present.length === 0) continue;
      for (const d of drugs) {
        if (!matches(refs(d), rule.drugs, rule.except)) continue;
        for (const c of present) {
          const name = conditionNames.get(c) ?? c;
          const what = rule.what ? rule.what.replace('{drug}', d.label) : `${d.label} with ${name}`;
          out.push(warn(rule, [d], name, c, capitalize(what)));
        }
      }
    }
    // One warning per conflict, the most severe rule winning; then by severity.
    const best = new Map<string, SafetyWarning & { key: string }>();
    for (const w of out) {
      const prev = best.get(w.key);
      if (!prev || SEVERITY_RANK.get(w.severity)! < SEVERITY_RANK.get(prev.severity)!) best.set(w.key, w);
    }
    return [...best.values()].sort(
      (a, b) =>
        SEVERITY_RANK.get(a.severity)! - SEVERITY_RANK.get(b.severity)! ||
        KIND_RANK[a.kind] - KIND_RANK[b.kind] ||
        a.id.localeCompare(b.id),
    );
  };

  const strip = (ws: Array<SafetyWarning & { key: string }>): SafetyWarning[] => ws.map(({ key: _key, ...w }) => w);

  const check = (context: MedicationContext): SafetyWarning[] => strip(evaluate(facts(context)));

  const checkReply = (replyText: string, context: MedicationContext): SafetyWarning[] => {
    const f = facts(context);
    const recommended = new Map<string, InvolvedDrug>();
    for (const m of extract(replyText, 'reply').mentions) {
      if (m.negated || m.concept.kind === 'condition') continue;
      if (!recommended.has(m.concept.id))
        recommended.set(m.concept.id, { concept: m.concept, label: labelOf(m.concept, m.brand), origin: 'reply' });
    }
    if (recommended.size === 0) return [];
    const drugs = [...f.drugs];
    for (const d of recommended.values()) if (!drugs.some((x) => x.concept.id === d.concept.id)) drugs.push(d);
    const warnings = evaluate({ ...f, drugs });
    // Only the warnings that involve a drug the reply recommends.
    const recommendedNames = new Set([...recommended.values()].map((d) => d.concept.name));
    const recommendedIds = new Set(recommended.keys());
    return strip(
      warnings.filter(
        (w) =>
          w.drugs.some((n) => recommendedNames.has(n)) ||
          [...recommendedIds].some((id) => w.key.split(':')[1]!.split('+').includes(id)),
      ),
    );
  };

  return { check, checkReply, facts, extract, highRisk };
}
