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
 */
import { normalizeText, splitSentences, type Sentence } from './triage.normalize.js';
import {
  defaultCrisisLine,
  footer,
  levelHeaders,
  macros,
  triageRules,
  type TriageLevel,
  type TriageRule,
} from './triage.rules.js';

export type { TriageLevel } from './triage.rules.js';

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
}

export interface TriageOptions {
  emergencyNumber: string;
  /** Text naming a crisis line ("988", "116 123"); a generic sentence when not configured. */
  crisisLine?: string;
}

export interface Triage {
  assess(text: string): TriageResult;
}

/** Messages are capped at 8000 characters by the API; triage reads at most this much. */
const MAX_INPUT = 16_000;
const NEGATION_WINDOW_WORDS = 6;

/** Cues that negate a finding that follows them within the same clause. */
const PRE_NEGATION =
  /\b(?:no|not|never|without|denies|denied|deny|denying|nor|neither|none|free of|negative for|absence of|ruled out|rule out|no longer|nothing like)\b/;

/** Phrases that contain a negation word but do not negate what follows ("not sure if", "no idea why"). */
const PSEUDO_NEGATION =
  /\b(?:not sure|not certain|not clear|not know|no idea|can not tell|could not tell|not only|not just|no matter|not getting better|no better|not better|not improving|no relief|not help\w*|not stop\w*|not go away|not going away|not easing|not work\w*|not feel (?:well|good|right|ok|okay|great|normal|myself)|not well|not good|not ok|not okay|not right|not normal|not myself|oh no|no one|nobody|nothing helps|without (?:any )?(?:warning|reason|cause|explanation|stopping)|not even|never (?:had|felt|experienced|been)\b(?=.*\b(?:like this|this bad|this much|so bad|before now|until now|until today|this severe|this strong))|whether or not|if not)\b/g;

/** Negation scope ends at these words: a new subject, possessor or reason follows ("without my inhaler I can't breathe"). */
const SCOPE_BREAK =
  /\b(?:and|because|cause|since|which|who|so|until|unless|still|then|after|before|when|while|during|from|i|he|she|they|we|you|it|my|his|her|their|our)\b/g;

/** Cues right after a finding that negate it ("chest pain: ruled out", "shortness of breath absent"). */
const POST_NEGATION =
  /^\s*(?:(?:is|was|are|were|has been|have been) )?(?:absent|denied|negative|ruled out|not present|none)\b/;

/** The sentence is about the past ... */
const HISTORY =
  /\b(?:last (?:week|month|year|summer|winter|spring|autumn|fall|christmas|time)|(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|a few|couple of|a couple of|several|many) (?:weeks?|months?|years?|decades?) ago|(?:weeks|months|years|decades) ago|long ago|years back|in (?:19|20)\d\d|back in|in the past|as a (?:child|kid|teenager|teen|baby)|when i was (?:a |an )?(?:child|kid|young|younger|little|teenager|teen|baby|student|pregnant)|used to|history of|previous|previously|years earlier)\b/;
/** ... unless it also speaks of now. */
const PRESENT =
  /\b(?:now|right now|currently|today|tonight|this (?:morning|afternoon|evening|week)|at the moment|again|still|just|started|starting|keeps?|suddenly|ongoing|since|came back|coming back|is back|are back|returned|recurr\w*|happening)\b/;
/** "fine now" speaks of now but says the finding is over: it does not cancel HISTORY. */
const RESOLVED_NOW =
  /\b(?:(?:fine|ok|okay|better|good|gone|well|all good|all right|alright|healthy|recovered|resolved|normal) now|now (?:fine|ok|okay|better|good|gone|well|healthy|recovered|resolved|normal))\b/g;

/** Resolution right after the finding, in the same clause. */
const RESOLVED_AFTER =
  /^[a-z ]{0,24}?\b(?:went away|gone|go away|has gone|resolved|subsided|passed(?! out)|disappeared|stopped|eased|settled|better now|fine now|ok now|okay now|is over|over now|wore off|worn off)\b/;
/** A following clause that only says it is over ("..., but it went away"). */
const RESOLVED_CLAUSE =
  /^(?:it|that|this|they|the pain|pain|which|and)?\s*(?:has |have |had |is |was |went |seems |seemed |then |all |completely |totally |now )*(?:gone|went away|go away|resolved|subsided|passed(?! out)|disappeared|stopped|eased|settled|fine|better|ok|okay|over|wore off)\b/;

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

function expand(source: string, ruleId: string, flags = 'g'): RegExp {
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
export function compileRules(rules: readonly TriageRule[]): CompiledRule[] {
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) throw new Error(`triage rule ${r.id}: duplicate id`);
    ids.add(r.id);
    if (r.patterns.length === 0) throw new Error(`triage rule ${r.id}: no patterns`);
  }
  for (const r of rules) {
    for (const s of r.shadows ?? []) if (!ids.has(s)) throw new Error(`triage rule ${r.id}: shadows unknown ${s}`);
  }
  return rules.map((rule) => ({
    rule,
    patterns: rule.patterns.map((p) => expand(p, rule.id)),
    withAny: (rule.withAny ?? []).map((p) => expand(p, rule.id)),
    unless: (rule.unless ?? []).map((p) => expand(p, rule.id, '')),
    any: rule.patterns.map((p) => expand(p, rule.id, '')),
    prefilter: new RegExp(rule.patterns.map((p) => `(?:${expand(p, rule.id, '').source})`).join('|')),
  }));
}

function isNegated(clause: string, start: number, end: number): boolean {
  const before = clause.slice(0, start).trim();
  if (before) {
    // Only the words after the last scope break, and at most the last few of them.
    const parts = before.split(SCOPE_BREAK);
    const scope = (parts[parts.length - 1] ?? '').trim().split(' ').slice(-NEGATION_WINDOW_WORDS).join(' ');
    const withoutPseudo = scope.replace(PSEUDO_NEGATION, ' _ ');
    // "never ... like this": the pseudo list keeps only the overriding tail; check the whole clause.
    const neverOverride =
      /\bnever\b/.test(withoutPseudo) &&
      /\b(?:like this|this bad|this much|so bad|before now|until now|until today|this severe|this strong)\b/.test(
        clause,
      );
    if (PRE_NEGATION.test(neverOverride ? withoutPseudo.replace(/\bnever\b/g, '_') : withoutPseudo)) return true;
  }
  return POST_NEGATION.test(clause.slice(end));
}

function isHistory(sentence: Sentence): boolean {
  if (!HISTORY.test(sentence.text)) return false;
  return !PRESENT.test(sentence.text.replace(RESOLVED_NOW, ' _ '));
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
  patterns: RegExp[],
  sentences: Sentence[],
  unless: RegExp[],
  allowHistory: boolean,
  clauseHasFinding: (s: Sentence, clauseIndex: number) => boolean,
): Found | null {
  let fallback: Found | null = null;
  for (const sentence of sentences) {
    const history = isHistory(sentence);
    if (history && !allowHistory) continue;
    for (let ci = 0; ci < sentence.clauses.length; ci++) {
      const clause = sentence.clauses[ci]!;
      if (unless.some((u) => u.test(clause))) continue;
      for (const p of patterns) {
        for (const m of clause.matchAll(p)) {
          const end = m.index + m[0].length;
          if (isNegated(clause, m.index, end)) continue;
          const next = sentence.clauses[ci + 1];
          const resolved =
            RESOLVED_AFTER.test(clause.slice(end)) ||
            (next !== undefined && RESOLVED_CLAUSE.test(next) && !clauseHasFinding(sentence, ci + 1));
          const found = { phrase: m[0], resolved, history };
          if (!resolved && !history) return found;
          fallback ??= found;
        }
      }
    }
  }
  return fallback;
}

const LEVEL_RANK: Record<TriageLevel, number> = { urgent: 1, emergency: 2 };

export function createTriage(options: TriageOptions, rules: readonly TriageRule[] = triageRules): Triage {
  const compiled = compileRules(rules);
  const fill = (template: string) =>
    template
      .replaceAll('{emergencyNumber}', options.emergencyNumber)
      .replaceAll('{crisisLine}', options.crisisLine ? options.crisisLine : defaultCrisisLine);

  return {
    assess(text: string): TriageResult {
      const normalized = normalizeText(text.slice(0, MAX_INPUT));
      const sentences = splitSentences(normalized);
      // Does any rule pattern match this clause? (A clause with its own finding is not a "resolution".)
      const clauseHasFinding = (s: Sentence, ci: number) => {
        const clause = s.clauses[ci] ?? '';
        return compiled.some((c) => c.any.some((p) => p.test(clause)));
      };
      const fired: Array<{ rule: TriageRule; level: TriageLevel; phrase: string }> = [];
      for (const c of compiled) {
        // A pattern that matches in a clause matches in the whole text (no rule pattern uses
        // anchors or negative look-ahead), so a miss here is a miss everywhere.
        if (!c.prefilter.test(normalized)) continue;
        const allowHistory = c.rule.onHistory === 'urgent';
        const found = find(c.patterns, sentences, c.unless, allowHistory, clauseHasFinding);
        if (!found) continue;
        if (c.withAny.length > 0 && !find(c.withAny, sentences, [], false, clauseHasFinding)) continue;
        const lowered = found.resolved || found.history;
        fired.push({ rule: c.rule, level: lowered ? 'urgent' : c.rule.level, phrase: found.phrase });
      }
      if (fired.length === 0) return { level: null, matches: [], answer: null };

      const shadowed = new Set(fired.flatMap((f) => f.rule.shadows ?? []));
      const kept = fired.filter((f) => !shadowed.has(f.rule.id));
      const level = kept.reduce<TriageLevel>(
        (top, f) => (LEVEL_RANK[f.level] > LEVEL_RANK[top] ? f.level : top),
        'urgent',
      );
      kept.sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level]);
      const topHeaders = new Set(
        kept.filter((f) => f.level === level).map((f) => f.rule.header ?? levelHeaders[level]),
      );
      const header = topHeaders.size === 1 ? [...topHeaders][0]! : levelHeaders[level];
      const advice = [...new Set(kept.map((f) => f.rule.advice))].map((a) => `- ${a}`);
      const answer = fill([header, '', ...advice, '', footer].join('\n'));
      return {
        level,
        matches: kept.map((f) => ({ ruleId: f.rule.id, category: f.rule.category, level: f.level, phrase: f.phrase })),
        answer,
      };
    },
  };
}
