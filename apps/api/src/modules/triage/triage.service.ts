/**
 * Red-flag triage: a deterministic check of every user message, before and independent of any
 * model. Rules live in `triage.rules.ts` (data); how they apply is documented in docs/triage.md:
 *
 * 1. The message is normalized and split into sentences and clauses (`triage.normalize.ts`).
 * 2. A rule fires on a pattern match in a clause unless the match is NEGATED (a cue such as "no",
 *    "not", "never", "denies", "without" within the six words before it in the same clause, or
 *    "ruled out"/"absent" right after it), the clause matches one of the rule's `unless` patterns,
 *    or the sentence is HISTORY (a past-time marker such as "last year" or "years ago" and no
 *    present-time marker such as "now", "again", "still", "today").
 * 3. RESOLUTION ("went away", "it's gone now") right after the match, or in the next clause,
 *    lowers an `emergency` rule to `urgent`: symptoms that passed (a TIA, angina) still need care.
 * 4. Rules with `withAny` fire only if one of those patterns also matches somewhere (not negated).
 * 5. The highest level wins; the answer is that level's opening line, each fired rule's advice
 *    (rules shadowed by another one that fired are dropped) and a fixed footer, with the
 *    emergency number (and crisis line) from config filled in.
 *
 * Every step is the same in every language; what differs (cues, patterns, texts) is the data of a
 * language pack (`triage.language.ts`, `triage.lang.*.ts`). The language is detected from the text
 * (cue words; the card's language is a hint), every pack within reach of the best score is run,
 * and the most urgent result wins: the answer is written in the language of the pack that fired.
 * The cue words quoted above are the English pack's.
 */
import { splitSentences, type Sentence } from './triage.normalize.js';
import { createDetector, type LanguagePack, type LanguageCues, type TriageLanguageCode } from './triage.language.js';
import { english } from './triage.lang.en.js';
import { german } from './triage.lang.de.js';
import { french } from './triage.lang.fr.js';
import { spanish } from './triage.lang.es.js';
import { type TriageLevel, type TriageRule } from './triage.rules.js';

export type { TriageLevel } from './triage.rules.js';
export type { TriageLanguageCode } from './triage.language.js';
export { languageOfTag, TRIAGE_LANGUAGES } from './triage.language.js';

/** Every language pack, English first (the order breaks ties). */
export const languagePacks: readonly LanguagePack[] = [english, german, french, spanish];

export interface TriageMatch {
  ruleId: string;
  category: string;
  level: TriageLevel;
  /** The normalized words that fired the rule. */
  phrase: string;
}

export interface TriageResult {
  /** Highest level that fired, or null when nothing did. */
  level: TriageLevel | null;
  matches: TriageMatch[];
  /** The deterministic urgent-care answer (markdown), or null. */
  answer: string | null;
  /** The language the message was read in (and the answer is written in). */
  language: TriageLanguageCode;
}

export interface TriageOptions {
  emergencyNumber: string;
  /** Text naming a crisis line ("988", "116 123"); a generic sentence when not configured. */
  crisisLine?: string;
}

export interface AssessOptions {
  /** The language the person prefers (the card's `language`, see `languageOfTag`): a hint, not a rule. */
  language?: TriageLanguageCode;
}

export interface Triage {
  assess(text: string, options?: AssessOptions): TriageResult;
}

/** Messages are capped at 8000 characters by the API; triage reads at most this much. */
const MAX_INPUT = 16_000;

interface CompiledRule {
  rule: TriageRule;
  /** Global (for matchAll). */
  patterns: RegExp[];
  withAny: RegExp[];
  /** Non-global (for test, which is stateful on global expressions). */
  unless: RegExp[];
  any: RegExp[];
  /** All patterns in one expression, tried on the whole message first (most rules stop there). */
  prefilter: RegExp;
}

function expand(source: string, ruleId: string, macros: Record<string, string>, flags = 'g'): RegExp {
  const expanded = source.replace(/\{([a-z]+)\}/g, (whole, name: string) => {
    const value = macros[name];
    if (value === undefined) throw new Error(`triage rule ${ruleId}: unknown macro ${whole}`);
    return value;
  });
  try {
    return new RegExp(expanded, flags);
  } catch (err) {
    throw new Error(`triage rule ${ruleId}: bad pattern ${source}`, { cause: err });
  }
}

/** Compile and check rules (unique ids, known macros and shadows, valid patterns). */
export function compileRules(
  rules: readonly TriageRule[],
  macros: Record<string, string> = english.macros,
): CompiledRule[] {
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) throw new Error(`triage rule ${r.id}: duplicate id`);
    ids.add(r.id);
    if (r.patterns.length === 0) throw new Error(`triage rule ${r.id}: no patterns`);
    if (!r.advice) throw new Error(`triage rule ${r.id}: no advice`);
    if (!r.source) throw new Error(`triage rule ${r.id}: no source`);
  }
  for (const r of rules) {
    for (const s of r.shadows ?? []) if (!ids.has(s)) throw new Error(`triage rule ${r.id}: shadows unknown ${s}`);
  }
  return rules.map((rule) => ({
    rule,
    patterns: rule.patterns.map((p) => expand(p, rule.id, macros)),
    withAny: (rule.withAny ?? []).map((p) => expand(p, rule.id, macros)),
    unless: (rule.unless ?? []).map((p) => expand(p, rule.id, macros, '')),
    any: rule.patterns.map((p) => expand(p, rule.id, macros, '')),
    prefilter: new RegExp(rule.patterns.map((p) => `(?:${expand(p, rule.id, macros, '').source})`).join('|')),
  }));
}

function isNegated(cues: LanguageCues, clause: string, start: number, end: number): boolean {
  const before = clause.slice(0, start).trim();
  if (before) {
    // Only the words after the last scope break, and at most the last few of them.
    const parts = before.split(cues.scopeBreak);
    const scope = (parts[parts.length - 1] ?? '').trim().split(' ').slice(-cues.negationWindow).join(' ');
    const withoutPseudo = scope.replace(cues.pseudoNegation, ' _ ');
    // "never ... like this": the pseudo list keeps only the overriding tail; check the whole clause.
    const o = cues.negationOverride;
    const override = o !== undefined && withoutPseudo.search(o.cue) >= 0 && o.when.test(clause);
    if (cues.preNegation.test(override ? withoutPseudo.replace(o.cue, '_') : withoutPseudo)) return true;
  }
  return cues.postNegation.test(clause.slice(end));
}

function isHistory(cues: LanguageCues, sentence: Sentence): boolean {
  if (!cues.history.test(sentence.text)) return false;
  return !cues.present.test(sentence.text.replace(cues.resolvedNow, ' _ '));
}

interface Found {
  phrase: string;
  resolved: boolean;
  history: boolean;
}

/**
 * The best qualifying match of any pattern in the message: one that is neither resolved nor
 * history wins over one that is. `allowHistory` lets history sentences count (flagged).
 */
function find(
  cues: LanguageCues,
  patterns: RegExp[],
  sentences: Sentence[],
  history: boolean[],
  unless: RegExp[],
  allowHistory: boolean,
  clauseHasFinding: (s: Sentence, clauseIndex: number) => boolean,
): Found | null {
  let fallback: Found | null = null;
  for (let si = 0; si < sentences.length; si++) {
    const sentence = sentences[si]!;
    const isPast = history[si]!;
    if (isPast && !allowHistory) continue;
    for (let ci = 0; ci < sentence.clauses.length; ci++) {
      const clause = sentence.clauses[ci]!;
      if (unless.some((u) => u.test(clause))) continue;
      for (const p of patterns) {
        for (const m of clause.matchAll(p)) {
          const end = m.index + m[0].length;
          if (isNegated(cues, clause, m.index, end)) continue;
          const next = sentence.clauses[ci + 1];
          const resolved =
            cues.resolvedAfter.test(clause.slice(end)) ||
            (next !== undefined && cues.resolvedClause.test(next) && !clauseHasFinding(sentence, ci + 1));
          const found = { phrase: m[0], resolved, history: isPast };
          if (!resolved && !isPast) return found;
          fallback ??= found;
        }
      }
    }
  }
  return fallback;
}

const LEVEL_RANK: Record<TriageLevel, number> = { urgent: 1, emergency: 2 };

interface Fired {
  rule: TriageRule;
  level: TriageLevel;
  phrase: string;
}

interface CompiledPack {
  pack: LanguagePack;
  rules: CompiledRule[];
}

/** The rules of one pack that fire on a message (before shadowing). */
function assessIn(c: CompiledPack, text: string): Fired[] {
  const { cues } = c.pack;
  const normalized = cues.normalize(text);
  if (!normalized) return [];
  const candidates = c.rules.filter((r) => r.prefilter.test(normalized));
  // A pattern that matches in a clause matches in the whole text (no rule pattern uses anchors or
  // negative look-ahead), so a miss here is a miss everywhere; most messages stop here.
  if (candidates.length === 0) return [];
  const sentences = splitSentences(normalized, cues.clauseBreak);
  const history = sentences.map((s) => isHistory(cues, s));
  // Does any rule pattern match this clause? (A clause with its own finding is not a "resolution".)
  const clauseHasFinding = (s: Sentence, ci: number) => {
    const clause = s.clauses[ci] ?? '';
    return c.rules.some((r) => r.any.some((p) => p.test(clause)));
  };
  const fired: Fired[] = [];
  for (const r of candidates) {
    const allowHistory = r.rule.onHistory === 'urgent';
    const found = find(cues, r.patterns, sentences, history, r.unless, allowHistory, clauseHasFinding);
    if (!found) continue;
    if (r.withAny.length > 0 && !find(cues, r.withAny, sentences, history, [], false, clauseHasFinding)) continue;
    const lowered = found.resolved || found.history;
    fired.push({ rule: r.rule, level: lowered ? 'urgent' : r.rule.level, phrase: found.phrase });
  }
  return fired;
}

function topLevel(fired: Fired[]): TriageLevel | null {
  let top: TriageLevel | null = null;
  for (const f of fired) if (top === null || LEVEL_RANK[f.level] > LEVEL_RANK[top]) top = f.level;
  return top;
}

/**
 * @param rules replaces the English rules (tests); the other languages keep their own.
 * @param packs the languages to triage in (default: all of `languagePacks`).
 */
export function createTriage(
  options: TriageOptions,
  rules?: readonly TriageRule[],
  packs: readonly LanguagePack[] = languagePacks,
): Triage {
  const compiled: CompiledPack[] = packs.map((pack) => {
    const p = pack.code === 'en' && rules ? { ...pack, rules: [...rules] } : pack;
    try {
      return { pack: p, rules: compileRules(p.rules, p.macros) };
    } catch (err) {
      throw new Error(`triage language ${p.code}: ${(err as Error).message}`, { cause: err });
    }
  });
  const byCode = new Map(compiled.map((c) => [c.pack.code, c]));
  const detect = createDetector(packs);

  return {
    assess(text: string, assessOptions: AssessOptions = {}): TriageResult {
      const input = text.slice(0, MAX_INPUT);
      const { ranked, candidates } = detect(input, assessOptions.language);
      // The most urgent result wins; between equals, the one whose findings cover more of the
      // text (a pack that read "choc anaphylactique" whole beats one that read "anaphylactiqu"),
      // then the better-ranked language.
      let best: { c: CompiledPack; fired: Fired[]; level: TriageLevel; cover: number } | null = null;
      for (const code of candidates) {
        const c = byCode.get(code)!;
        const fired = assessIn(c, input);
        const level = topLevel(fired);
        if (level === null) continue;
        const cover = fired.reduce((n, f) => n + (f.level === level ? f.phrase.length : 0), 0);
        const rank = LEVEL_RANK[level] - (best ? LEVEL_RANK[best.level] : 0);
        if (best === null || rank > 0 || (rank === 0 && cover > best.cover)) best = { c, fired, level, cover };
      }
      if (best === null) return { level: null, matches: [], answer: null, language: ranked[0]!.code };

      const { texts } = best.c.pack;
      const { level } = best;
      const shadowed = new Set(best.fired.flatMap((f) => f.rule.shadows ?? []));
      const kept = best.fired.filter((f) => !shadowed.has(f.rule.id));
      kept.sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level]);
      const topHeaders = new Set(
        kept.filter((f) => f.level === level).map((f) => f.rule.header ?? texts.levelHeaders[level]),
      );
      const header = topHeaders.size === 1 ? [...topHeaders][0]! : texts.levelHeaders[level];
      const advice = [...new Set(kept.map((f) => f.rule.advice))].map((a) => `- ${a}`);
      const answer = [header, '', ...advice, '', texts.footer]
        .join('\n')
        .replaceAll('{emergencyNumber}', options.emergencyNumber)
        .replaceAll('{crisisLine}', options.crisisLine ? options.crisisLine : texts.defaultCrisisLine);
      return {
        level,
        matches: kept.map((f) => ({ ruleId: f.rule.id, category: f.rule.category, level: f.level, phrase: f.phrase })),
        answer,
        language: best.c.pack.code,
      };
    },
  };
}

/** The footer that ends a triage block, in every language (longest first). */
export const triageFooters: readonly string[] = [...new Set(languagePacks.map((p) => p.texts.footer))].sort(
  (a, b) => b.length - a.length,
);

/**
 * What follows the triage block of a stored reply (the model's part), or the whole text when it has
 * no block: the assistant strips the block, in whichever language, from the history it feeds the
 * model (empty when nothing follows the block).
 */
export function stripTriageBlock(content: string): string {
  for (const f of triageFooters) {
    const at = content.indexOf(f);
    if (at >= 0) return content.slice(at + f.length).trim();
  }
  return content.trim();
}
