/**
 * The reply guard: a deterministic filter between the model's token stream and the person. Small
 * models recite the private context they were given ("The person's own health record … age 68, sex
 * male, BMI 30.1") and loop (the same sentence or list again and again). Prompting alone does not
 * stop either, so every reply passes through this guard, whatever the model:
 *
 * - The stream is cut into units: lines, and sentences within a line.
 * - A unit streams token by token as soon as its first words show it cannot be a recitation or a
 *   repeat. A unit that MIGHT be one (it starts like the record's header or one of its labels, or
 *   like an earlier unit) is held back until it is complete, then judged:
 *   - recitation: it names the record itself ("health record", "shared with their consent"), or
 *     repeats two or more of the record's multi-word facts verbatim, or is a `label: value` line
 *     with one of its values. Dropped.
 *   - repeat: its words are (nearly) those of a unit already shown. Dropped; after `maxRepeats`
 *     dropped repeats the reply is looping, and `onLoop` asks the caller to stop generating.
 * - A unit that already streamed can still loop on itself ("stay informed stay informed …"): the
 *   same 6-word run three times in one unit also counts as a loop.
 *
 * - With `softLimitWords`, a reply that has said enough ends at the next full sentence.
 *
 * Held units cost no latency in the common case: a first token such as "The" is held only until
 * the next word shows "The flu …" is not "The person's …". What the person sees is exactly
 * `text`: the concatenation of everything passed to `emit`.
 */

export interface ReplyGuardOptions {
  /** The private context block the model was given (null: nothing to protect). */
  context: string | null;
  emit: (text: string) => void;
  /** Called once when the reply is looping; the caller should stop the generation. */
  onLoop?: () => void;
  /** Dropped repeats after which the reply counts as looping. Default 2; 0 = never stop a reply as looping (repeats are still dropped). */
  maxRepeats?: number;
  /**
   * Answers are meant to be short: once this many words are shown, the reply ends at the next
   * finished sentence (`onEnough`), so it stops at a full stop instead of mid-sentence at the
   * token cap. Default: no limit.
   */
  softLimitWords?: number;
  onEnough?: () => void;
}

export interface DroppedUnit {
  reason: 'recitation' | 'repetition';
  text: string;
}

/** Words that name the record itself: a unit containing one is a recitation. */
const HEADER_PHRASES = [
  'health record',
  'medical record',
  'shared with their consent',
  'shared with consent',
  'shared with your consent',
  'information only',
  'private background',
  'background about the person',
  'from their medical card',
  'from your medical card',
];

/** How a recitation starts: held back until the unit is complete. */
const STARTERS = [
  "the person's own health record",
  "the person's health record",
  "the person's record",
  'the persons own health record',
  'the person has',
  'the person is',
  'the record',
  'your health record',
  'your medical record',
  'your record',
  'health record',
  'according to your record',
  'according to your health record',
  'based on your record',
  'based on your health record',
  'private background',
  'background',
  // How a model restates the person's details before answering ("You are a 68-year-old male …").
  'you are',
  "you're",
  'as a',
  'given your',
  'based on',
  'according to',
  'from your',
  'i see',
  'i can see',
  'i note',
];

/** Labels of the context block's lines (`- allergies: …`). */
const LABELS = [
  'age',
  'sex',
  'bmi',
  'blood type',
  'allergies',
  'conditions',
  'medications',
  'recent readings',
  'readings',
];

const words = (s: string): string[] =>
  s
    .toLowerCase()
    .replace(/[*_`#>]+/g, ' ')
    .replace(/^\s*(?:[-•]|\d+[.)])\s+/, '')
    .split(/[^\p{L}\p{N}'+.]+/u)
    .map((w) => w.replace(/^[.']+|[.']+$/g, ''))
    .filter(Boolean);

const norm = (s: string): string => words(s).join(' ');

/** The record's facts worth protecting: fragments of its `- label: a; b` lines with two or more words. */
function factsOf(context: string | null): { multi: string[]; single: string[] } {
  const multi = new Set<string>();
  const single = new Set<string>();
  if (!context) return { multi: [], single: [] };
  for (const raw of context.split('\n')) {
    const line = raw.replace(/^\s*-\s*/, '');
    const colon = line.indexOf(':');
    const body = colon >= 0 && colon < 20 ? line.slice(colon + 1) : line;
    for (const part of body.split(/[;,]/)) {
      const f = norm(part);
      if (!f) continue;
      (f.includes(' ') ? multi : single).add(f);
      // The same fact as models restate it: "a 68-year-old", "aged 68", "a BMI of 30.1".
      const age = /^age (\d+)$/.exec(f);
      if (age) for (const v of ['year old', 'years old', 'yr old']) multi.add(`${age[1]} ${v}`);
      if (age) multi.add(`aged ${age[1]}`);
      const bmi = /^bmi ([\d.]+)/.exec(f);
      if (bmi) multi.add(`bmi ${bmi[1]}`).add(`bmi of ${bmi[1]}`);
    }
  }
  return { multi: [...multi], single: [...single] };
}

const contains = (hay: string, needle: string) => ` ${hay} `.includes(` ${needle} `);

/** A unit ends at a newline, or after sentence punctuation followed by white space. */
const BOUNDARY = /\n|[.!?](?=\s)[^\S\n]*/;

export class ReplyGuard {
  private current = '';
  private releasedUpTo = -1; // -1: held; otherwise chars of `current` already emitted
  private readonly shown: string[] = [];
  private readonly shownPrefixes: string[][] = [];
  private repeats = 0;
  private afterDrop = false;
  private out = '';
  readonly dropped: DroppedUnit[] = [];
  private loopedFlag = false;
  private enoughFlag = false;
  private wordsShown = 0;
  private readonly facts: { multi: string[]; single: string[] };
  private readonly maxRepeats: number;

  constructor(private readonly options: ReplyGuardOptions) {
    this.facts = factsOf(options.context);
    this.maxRepeats = options.maxRepeats ?? 2;
  }

  /** Everything shown so far. */
  get text(): string {
    return this.out;
  }

  get looped(): boolean {
    return this.loopedFlag;
  }

  /** The reply reached `softLimitWords` and ended at a full sentence. */
  get enough(): boolean {
    return this.enoughFlag;
  }

  private get stopped(): boolean {
    return this.loopedFlag || this.enoughFlag;
  }

  push(piece: string): void {
    if (this.stopped || !piece) return;
    this.current += piece;
    for (;;) {
      const m = BOUNDARY.exec(this.current);
      if (!m) break;
      const end = m.index + m[0].length;
      const unit = this.current.slice(0, end);
      const rest = this.current.slice(end);
      this.finishUnit(unit);
      this.current = rest;
      this.releasedUpTo = -1;
      if (this.stopped) return;
    }
    this.progress();
  }

  /** The generation ended: judge and flush what is left. */
  end(): void {
    if (this.stopped || !this.current) return;
    this.finishUnit(this.current);
    this.current = '';
    this.releasedUpTo = -1;
  }

  private emit(text: string): void {
    if (!text) return;
    this.out += text;
    this.options.emit(text);
  }

  /** A partial unit: release it once it cannot be a recitation or a repeat. */
  private progress(): void {
    if (this.releasedUpTo >= 0) {
      this.emit(this.current.slice(this.releasedUpTo));
      this.releasedUpTo = this.current.length;
      this.checkSelfLoop(this.current);
      return;
    }
    if (!this.current.trim()) return;
    if (this.mightBeSuspicious(this.current)) return;
    this.emit(this.current);
    this.releasedUpTo = this.current.length;
  }

  private finishUnit(unit: string): void {
    if (!unit.trim()) {
      // White space between units; none right after a dropped unit (no blank gaps).
      if (!this.afterDrop) this.emit(unit.slice(Math.max(0, this.releasedUpTo)));
      return;
    }
    if (this.releasedUpTo >= 0) {
      this.emit(unit.slice(this.releasedUpTo));
      this.remember(unit);
      this.checkSelfLoop(unit);
      return;
    }
    const verdict = this.judge(unit);
    if (verdict) {
      this.dropped.push({ reason: verdict, text: unit });
      this.afterDrop = true;
      if (verdict === 'repetition' && ++this.repeats >= this.maxRepeats && this.maxRepeats > 0) this.loop();
      return;
    }
    this.emit(unit);
    this.remember(unit);
  }

  private remember(unit: string): void {
    const w = words(unit);
    if (w.length === 0) return;
    this.afterDrop = false;
    this.shown.push(w.join(' '));
    this.shownPrefixes.push(w.slice(0, 3));
    this.wordsShown += w.length;
    const limit = this.options.softLimitWords;
    if (limit && this.wordsShown >= limit && /[.!?][)*_"']*\s*$/.test(unit) && !this.stopped) {
      this.enoughFlag = true;
      this.options.onEnough?.();
    }
  }

  private loop(): void {
    if (this.loopedFlag) return;
    this.loopedFlag = true;
    this.options.onLoop?.();
  }

  /** The same 6-word run three times in one unit: a loop inside a sentence. */
  private checkSelfLoop(unit: string): void {
    if (this.maxRepeats === 0) return;
    const w = words(unit);
    if (w.length < 18) return;
    const seen = new Map<string, number>();
    for (let i = 0; i + 6 <= w.length; i++) {
      const k = w.slice(i, i + 6).join(' ');
      const n = (seen.get(k) ?? 0) + 1;
      if (n >= 3) return this.loop();
      seen.set(k, n);
    }
  }

  /** Could this unfinished unit still turn out to be a recitation or a repeat? */
  private mightBeSuspicious(partial: string): boolean {
    const complete = /[\s,;:]$/.test(partial);
    const w = words(partial);
    if (w.length === 0) return true;
    const text = w.join(' ');
    // Could `phrase` still be what this unit is spelling out, or does the unit begin with it?
    const suspicious = (phrase: string) =>
      (complete ? `${phrase} `.startsWith(`${text} `) : phrase.startsWith(text)) ||
      text === phrase ||
      text.startsWith(`${phrase} `);
    if (this.options.context) {
      if (STARTERS.some(suspicious) || LABELS.some(suspicious)) return true;
      if (HEADER_PHRASES.some((h) => contains(text, h))) return true;
    }
    // A possible repeat: the first (up to) three words are those of an earlier unit.
    const head = w.slice(0, 3);
    const lastPartial = !complete;
    return this.shownPrefixes.some((p) => {
      if (p.length < Math.min(3, head.length)) return false;
      for (let i = 0; i < head.length; i++) {
        const a = head[i]!;
        const b = p[i];
        if (b === undefined) return false;
        if (i === head.length - 1 && lastPartial ? !b.startsWith(a) : a !== b) return false;
      }
      return true;
    });
  }

  private judge(unit: string): DroppedUnit['reason'] | null {
    const text = norm(unit);
    if (!text) return null;
    if (this.options.context) {
      if (HEADER_PHRASES.some((h) => contains(text, h))) return 'recitation';
      const multi = this.facts.multi.filter((f) => contains(text, f)).length;
      if (multi >= 2) return 'recitation';
      const labelled = LABELS.some((l) => new RegExp(`^\\W*(?:[-•]\\s*)?${l}\\s*:`, 'i').test(unit.trim()));
      if (labelled && (multi >= 1 || this.facts.single.some((f) => contains(text, f)))) return 'recitation';
    }
    const w = new Set(text.split(' '));
    for (const prev of this.shown) {
      if (prev === text && w.size >= 2) return 'repetition';
      if (w.size >= 3) {
        const p = new Set(prev.split(' '));
        let inter = 0;
        for (const x of w) if (p.has(x)) inter++;
        const jaccard = inter / (w.size + p.size - inter);
        if (jaccard >= 0.75) return 'repetition';
      }
    }
    return null;
  }
}
