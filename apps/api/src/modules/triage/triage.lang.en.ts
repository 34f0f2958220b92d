/**
 * The English language pack of red-flag triage: the normalizer, negation / history / resolution cues
 * and the answer texts the English rules (`triage.rules.ts`) are applied with. This is the reference
 * pack: the other languages (`triage.lang.de.ts`, `…fr.ts`, `…es.ts`) mirror its shape.
 */
import type { LanguagePack } from './triage.language.js';
import { englishClauseBreak, normalizeText } from './triage.normalize.js';
import { crisisHeader, defaultCrisisLine, footer, levelHeaders, macros, triageRules } from './triage.rules.js';

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
  /\b(?:last (?:week|month|year|summer|winter|spring|autumn|fall|christmas|time)|(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|a few|couple of|a couple of|several|many) (?:weeks?|months?|years?|decades?) ago|(?:weeks|months|years|decades) ago|long ago|years back|in (?:19|20)\d\d|back in|in the past|as a (?:child|kid|teenager|teen|baby)|when i was (?:a |an )?(?:child|kid|young|younger|little|teenager|teen|baby|student|pregnant)|used to|history of|previous|previously|years earlier|runs in (?:my|the|our) family|(?:my|our|his|her) (?:late |great )?(?:grandmother|grandfather|grandma|grandpa|granny|grandad|granddad|gran|nan|nana|grandparents?|great grandmother|great grandfather) (?:had|died|passed|suffered))\b/;
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

export const english: LanguagePack = {
  code: 'en',
  cues: {
    normalize: normalizeText,
    clauseBreak: englishClauseBreak,
    preNegation: PRE_NEGATION,
    negationWindow: 6,
    pseudoNegation: PSEUDO_NEGATION,
    scopeBreak: SCOPE_BREAK,
    postNegation: POST_NEGATION,
    negationOverride: {
      cue: /\bnever\b/g,
      when: /\b(?:like this|this bad|this much|so bad|before now|until now|until today|this severe|this strong)\b/,
    },
    history: HISTORY,
    present: PRESENT,
    resolvedNow: RESOLVED_NOW,
    resolvedAfter: RESOLVED_AFTER,
    resolvedClause: RESOLVED_CLAUSE,
  },
  texts: { levelHeaders, crisisHeader, footer, defaultCrisisLine },
  macros,
  rules: triageRules,
  cueWords: (
    'i im me my mine you your he she his her him they them their we our it its is am are was were be been ' +
    'have has had having do does did dont doesnt didnt can cant cannot could would should will wont ' +
    'the a an and or but with without of to in on at for from since after before about this that there ' +
    'what when why how which who not no never very really so just now today feel feels feeling felt ' +
    'pain hurts hurt ache chest breathe breath breathing headache face arm leg speech dizzy help please ' +
    'bleeding blood fever baby pregnant pills took want kill myself suddenly sudden' +
    ' think like got get getting'
  ).split(' '),
};
