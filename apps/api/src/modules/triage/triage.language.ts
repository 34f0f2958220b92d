/**
 * What a language brings to red-flag triage, and how the language of a message is found.
 *
 * A `LanguagePack` is data: how its text is normalized, its clause breaks, negation cues (before and
 * after a finding), pseudo-negations, history / present / resolution markers, its own pattern
 * macros, the rules' patterns and advice in that language, and the fixed texts of the answer
 * (opening lines, crisis-line wording, footer). Rule ids, levels, shadows and `withAny` semantics
 * are shared with the English rules (`triage.rules.ts`): a pack only says how each rule is written
 * in its language. `triage.service.ts` applies every pack the same way.
 *
 * Language detection is cue-word scoring, not a general detector library: messages are often a few
 * words ("Atemnot!", "dolor de pecho"), where n-gram detectors such as franc answer "undetermined"
 * or guess among 80+ languages; we only need to rank the four packs we have, and the best cues are
 * the very function words (ich, je, tengo, the) and symptom words the packs are written with.
 * A close call is not a guess: every pack within reach of the best score is run and the most
 * urgent result wins, so a short red flag fires whatever the detector says.
 */
import { foldText } from './triage.normalize.js';
import type { TriageLevel, TriageRule } from './triage.rules.js';

export const TRIAGE_LANGUAGES = ['en', 'de', 'fr', 'es'] as const;
export type TriageLanguageCode = (typeof TRIAGE_LANGUAGES)[number];

export interface LanguageCues {
  /** Text → the canonical form the pack's patterns are written against. */
  normalize(text: string): string;
  /** Splits a sentence into clauses (non-capturing). */
  clauseBreak: RegExp;
  /** A negation cue within `negationWindow` words before a finding, in its clause. */
  preNegation: RegExp;
  negationWindow: number;
  /** Phrases that contain a negation word but do not negate (global). */
  pseudoNegation: RegExp;
  /** Negation scope ends at these words (global). */
  scopeBreak: RegExp;
  /** Right after a finding: negates it ("… ruled out", "… habe ich keine"). */
  postNegation: RegExp;
  /** English "never … like this": the cue that a whole-clause override lifts. */
  negationOverride?: { cue: RegExp; when: RegExp };
  history: RegExp;
  present: RegExp;
  /** "fine now": speaks of now but does not cancel history (global). */
  resolvedNow: RegExp;
  resolvedAfter: RegExp;
  resolvedClause: RegExp;
}

export interface LanguageTexts {
  levelHeaders: Record<TriageLevel, string>;
  crisisHeader: string;
  footer: string;
  defaultCrisisLine: string;
}

/** How one rule is written in a language (metadata comes from the English rule of the same id). */
export interface LocalRule {
  patterns: string[];
  withAny?: string[];
  unless?: string[];
  advice: string;
}

export interface LanguagePack {
  code: TriageLanguageCode;
  cues: LanguageCues;
  texts: LanguageTexts;
  macros: Record<string, string>;
  rules: TriageRule[];
  /** Words typical of the language (already folded by `foldText`); shared words count less. */
  cueWords: string[];
}

/**
 * The English rules' metadata with a language's patterns and advice. A rule the language does not
 * write is left out of it; a local rule with no English twin is a mistake and throws.
 */
export function localizeRules(
  base: readonly TriageRule[],
  local: Record<string, LocalRule>,
  englishCrisisHeader: string,
  crisisHeader: string,
): TriageRule[] {
  const byId = new Map(base.map((r) => [r.id, r]));
  for (const id of Object.keys(local)) if (!byId.has(id)) throw new Error(`triage rule ${id}: no English rule`);
  return base
    .filter((r) => local[r.id] !== undefined)
    .map((r) => {
      const l = local[r.id]!;
      const rule: TriageRule = { ...r, patterns: l.patterns, advice: l.advice };
      if (l.withAny) rule.withAny = l.withAny;
      else delete rule.withAny;
      if (l.unless) rule.unless = l.unless;
      else delete rule.unless;
      if (r.header !== undefined) rule.header = r.header === englishCrisisHeader ? crisisHeader : r.header;
      // Shadows that point at a rule this language does not have are dropped.
      if (r.shadows) rule.shadows = r.shadows.filter((s) => local[s] !== undefined);
      return rule;
    });
}

/** Primary subtag of a BCP 47 tag when it is a language we triage in ("de-AT" → "de"). */
export function languageOfTag(tag: string | null | undefined): TriageLanguageCode | undefined {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return (TRIAGE_LANGUAGES as readonly string[]).includes(primary ?? '') ? (primary as TriageLanguageCode) : undefined;
}

export interface LanguageScores {
  /** Languages by score (cue words, plus the hint's weight), best first; ties keep the hint, then pack order. */
  ranked: Array<{ code: TriageLanguageCode; score: number }>;
  /**
   * The packs to run, best first: every language scoring at least half the best text score, or all
   * of them when the text has (almost) no cue words ("Atemnot!!"), whatever the hint says.
   */
  candidates: TriageLanguageCode[];
}

/** How much the card's language weighs, in cue words. */
const HINT_WEIGHT = 1.5;
/** Below this many cue words the text says nothing reliable: every pack runs. */
const MIN_EVIDENCE = 1;
/** Words read for detection (the start of a message says enough). */
const DETECT_WORDS = 400;

export function createDetector(packs: readonly LanguagePack[]) {
  const weights = new Map<string, Array<[TriageLanguageCode, number]>>();
  const owners = new Map<string, TriageLanguageCode[]>();
  for (const p of packs) {
    for (const w of p.cueWords) {
      const list = owners.get(w) ?? [];
      if (!list.includes(p.code)) list.push(p.code);
      owners.set(w, list);
    }
  }
  for (const [w, list] of owners)
    weights.set(
      w,
      list.map((c) => [c, 1 / list.length]),
    );
  const order = packs.map((p) => p.code);

  return function detect(text: string, hint?: TriageLanguageCode): LanguageScores {
    const score = new Map<TriageLanguageCode, number>(order.map((c) => [c, 0]));
    const words = foldText(text.slice(0, DETECT_WORDS * 12)).split(/[^a-z]+/, DETECT_WORDS);
    for (const w of words) for (const [c, v] of weights.get(w) ?? []) score.set(c, score.get(c)! + v);
    const textTop = Math.max(...score.values());
    if (hint && score.has(hint)) score.set(hint, score.get(hint)! + HINT_WEIGHT);
    const ranked = order
      .map((code) => ({ code, score: score.get(code)! }))
      .sort((a, b) => b.score - a.score || (a.code === hint ? -1 : b.code === hint ? 1 : 0));
    const candidates =
      textTop < MIN_EVIDENCE
        ? ranked.map((r) => r.code)
        : ranked.filter((r) => r.score - (r.code === hint ? HINT_WEIGHT : 0) >= textTop / 2).map((r) => r.code);
    return { ranked, candidates };
  };
}
