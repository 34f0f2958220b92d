/**
 * Red-flag triage rules: data, not code. `docs/triage.md` explains how they are applied and how to
 * add one; `triage.test.ts` holds the sentences each rule must (and must not) fire on.
 *
 * Patterns are regular-expression sources matched against the NORMALIZED text of one clause
 * (see `triage.normalize.ts`): lower case, contractions expanded ("can't" → "can not", "it's" →
 * "it is"), no punctuation inside a clause, single spaces. `{macro}` names below are expanded
 * before compiling. Every rule is checked at load (the module throws on a bad pattern).
 */

export type TriageLevel = 'emergency' | 'urgent';

export interface TriageRule {
  /** Stable id (logged, tested, documented). */
  id: string;
  /** Human name of the category. */
  category: string;
  /** Where the warning signs and the advice come from (named public guidance). */
  source: string;
  level: TriageLevel;
  /** Any of these, not negated, in a clause of a sentence that is not history, fires the rule. */
  patterns: string[];
  /** When set, one of these must ALSO match (not negated) somewhere in the message. */
  withAny?: string[];
  /** A clause matching any of these is ignored for this rule (e.g. "can't breathe through my nose"). */
  unless?: string[];
  /** A sentence about the past ("last year") normally silences a rule; `urgent` keeps it, one level down. */
  onHistory?: 'suppress' | 'urgent';
  /** Rules this one makes redundant when both fire (e.g. the severe head-injury rule hides the plain one). */
  shadows?: string[];
  /** Replaces the level's opening line when every rule that fired at the top level shares it. */
  header?: string;
  /** The rule's own advice, shown under the opening line. `{emergencyNumber}`, `{crisisLine}`. */
  advice: string;
}

export const macros: Record<string, string> = {
  poss: '(?:my|his|her|their|our|your|the|a|one|its|this)',
  be: '(?:is|are|am|was|were|be|been|feels?|feeling|felt|seems?|looks?|getting|got|gets|has been|have been|keeps? getting|went|goes|going|turning|turned|becoming|became)',
  adv: '(?:(?:really|very|so|super|extremely|quite|pretty|kind of|kinda|a bit|a little|all|too|suddenly|totally|completely|now|just|still|like|awfully|horribly|badly) )*',
  cant: '(?:can not|could not|can hardly|can barely|unable to|not able to|struggling to|struggle to|hard to|difficult to|hardly|barely|trouble to)',
  child:
    '(?:baby|babies|infant|newborn|toddler|child|children|kid|kids|son|daughter|little one|boy|girl|grandson|granddaughter|(?:\\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven) (?:day|days|week|weeks|month|months|year|years|yr|yrs) old)',
  person:
    '(?:him|her|them|my (?:dad|father|mum|mom|mother|husband|wife|partner|son|daughter|baby|child|friend|brother|sister|grandma|grandpa|grandmother|grandfather|boyfriend|girlfriend|roommate|flatmate|colleague|neighbou?r)|the baby|the child|someone|somebody)',
  fever:
    '(?:fever|feverish|high temperature|temperature of|temp of|burning up|hot to (?:the )?touch|(?:38|39|40|41|100|101|102|103|104|105) (?:degrees|c|f|deg)\\b)',
};

const EMERGENCY_HEADER =
  '**This could be a medical emergency. Call {emergencyNumber} now** or go to the nearest emergency department. Do not wait to see if it gets better, and do not drive yourself.';
export const crisisHeader =
  "**You don't have to face this alone.** If you are in danger or might act on these thoughts, call {emergencyNumber} now.";

export const levelHeaders: Record<TriageLevel, string> = {
  emergency: EMERGENCY_HEADER,
  urgent:
    '**Please get medical help today.** Contact a doctor, an urgent-care service or your out-of-hours line now. If it gets worse, call {emergencyNumber}.',
};

export const footer =
  '_I am an AI assistant and cannot examine you. This advice appears automatically whenever a message mentions these warning signs._';

export const defaultCrisisLine =
  'a crisis line (for example 988 in the US and Canada, 116 123 in the UK and Ireland, or your local suicide prevention line)';

export const triageRules: TriageRule[] = [
  // ------------------------------------------------------------------ emergency
  {
    id: 'chest_pain',
    source: 'NHS: Heart attack — symptoms; aspirin 300 mg: NHS / Resuscitation Council UK first aid',
    category: 'Chest pain or possible heart attack',
    level: 'emergency',
    patterns: [
      '\\bchest {adv}(?:pain|pains|ache|aches|aching|hurts?|hurting|discomfort|pressure|tightness|heaviness|is killing me)\\b',
      '\\bchest (?:{be} )?{adv}(?:tight|heavy|crushing|crushed|squeez\\w*|burning|on fire|like an elephant|like something is sitting|like someone is sitting|like a weight|like it is going to explode)',
      '\\b(?:pain|pains|ache|pressure|tightness|heaviness|squeezing|weight|crushing feeling|burning) (?:in|on|across|around|behind) (?:{poss} )?chest\\b',
      '\\b(?:crushing|squeezing|pressing|stabbing|sharp|tight|heavy) (?:feeling |sensation |pain )?(?:in|on|across|behind) (?:{poss} )?chest\\b',
      '\\b(?:elephant|weight|something|someone) (?:is )?(?:sitting |standing |pressing |pushing )?on {poss} chest\\b',
      '\\b(?:squeez\\w*|crush\\w*|pressing on|pressure (?:on|around)|gripping) {poss} heart\\b',
      '\\bheart (?:is )?(?:being )?(?:squeezed|crushed|in a vice|gripped)\\b',
      '\\b(?:having|had|have|be|is|it is|like|think|maybe|possibly|probably|might|could|is this) (?:[a-z]+ ){0,3}?heart attack\\b',
      '\\bpain (?:is )?(?:spreading|radiating|going|shooting|moving|travell?ing) (?:down |into |to |up |through )+{poss} (?:left )?(?:arm|jaw|neck|shoulder)\\b',
    ],
    advice:
      'Chest pain or pressure, especially if it spreads to the arm, jaw, neck or back or comes with sweating, sickness or breathlessness, can be a heart attack. Stop and sit down while you wait for help. Unless you are allergic to aspirin or have been told not to take it, chewing one adult aspirin (300 mg) can help.',
  },
  {
    id: 'stroke',
    source: 'NHS: Stroke — symptoms (FAST); BE FAST (balance, eyes): American Stroke Association; NICE NG128',
    category: 'Stroke signs (face, arm, speech)',
    level: 'emergency',
    patterns: [
      // Face
      '\\b(?:face|mouth|smile|lip|lips|cheek|eyelid) {be} {adv}(?:droop\\w*|sagg\\w*|lopsided|uneven|crooked|numb|paraly[sz]ed|falling|dropping|drooped)\\b',
      '\\b(?:droop\\w*|sagg\\w*|lopsided|crooked|uneven|drooped) (?:face|mouth|smile)\\b',
      '\\b(?:face|mouth|smile) (?:droop\\w*|sagg\\w*|went numb|dropped|fell on one side)\\b',
      '\\b(?:one side|half|side) of {poss} (?:face|mouth) {be} {adv}(?:droop\\w*|sagg\\w*|numb|paraly[sz]ed|weak|dropp\\w*|not moving)\\b',
      // Arm or leg, one side
      '\\b(?:sudden|suddenly) (?:weakness|numbness|paralysis)\\b',
      '\\b(?:weakness|numbness|paralysis|weak|numb|paraly[sz]ed) (?:in|on|down) (?:one|the left|the right|{poss} left|{poss} right|left|right) (?:side|arm|leg)\\b',
      '\\b(?:one|left|right) side of {poss} body {be} {adv}(?:weak|numb|paraly[sz]ed|not working|heavy|floppy)\\b',
      '\\b(?:arm|leg|hand) {be} {adv}suddenly {adv}(?:weak|numb|limp|paraly[sz]ed|heavy|useless|dead)\\b',
      '\\bsuddenly (?:can not|could not) (?:lift|move|feel|raise) {poss} (?:left |right )?(?:arm|leg|hand)\\b',
      '\\b{cant} (?:lift|raise|move|feel|use|grip with) {poss} (?:left |right )?(?:arm|leg|hand|arms|legs)\\b',
      '\\b{cant} (?:feel|move|use) {poss} (?:left|right) (?:side|half)\\b',
      '\\b{cant} (?:feel|move) (?:one side|half) of {poss} (?:face|body|mouth)\\b',
      '\\b(?:arm|leg|hand) {be} {adv}(?:dead|limp|useless|floppy|not working|paraly[sz]ed|flopping)\\b',
      '\\b(?:arm|leg) (?:just )?(?:dropped|flopped|gave way|gave out|went limp|went dead|went numb)\\b',
      '\\b(?:left|right) (?:arm|leg|hand|foot|side) (?:just |suddenly )?(?:went|has gone|is|feels|felt|got|is going) (?:suddenly |all |really |very )?(?:numb|weak|dead|limp|heavy|floppy)\\b',
      '\\b(?:one side|half|side) of {poss} (?:face|mouth|body) (?:will not|does not|can not|is not|has stopped|stopped) (?:move|moving|work|working)\\b',
      '\\b{cant} (?:keep|hold) (?:my|his|her|their) balance\\b',
      '\\b(?:keeps?|kept|keep on) (?:losing (?:my|his|her|their) balance|staggering|stumbling)\\b',
      // Speech
      '\\b(?:slurred|slurring|garbled|jumbled) (?:speech|words|talking)\\b',
      '\\b(?:speech|words|talking|voice) {be} {adv}(?:slurred|slurring|garbled|jumbled|gibberish|coming out wrong|not making sense)\\b',
      '\\bspeech {be} {adv}(?:weird|strange|funny|odd|off|thick|drunk|muffled|wrong|not right)\\b',
      '\\b(?:slurring|talking nonsense|talking gibberish|speaking gibberish|speaking nonsense)\\b',
      '\\b(?:words?|speech|sentences?) (?:are |is |keep |keeps )?(?:come|comes|coming|came) out (?:all )?(?:wrong|jumbled|garbled|weird|funny|strange|mixed up|slurred|backwards|like nonsense)\\b',
      '\\b(?:talking|speaking|sounds?|sounding) (?:funny|weird|strange|drunk|slurred|garbled)\\b',
      '\\b(?:mixing up|mixes up|mixed up|jumbling) (?:my |his |her |their )?words\\b',
      '\\b(?:can not|could not|unable to|trouble|difficulty|struggling to|struggles to) (?:speak|speaking|talk|talking) (?:properly|clearly|right|normally|straight|anymore)\\b',
      '\\b(?:can not|could not|unable to|trouble|struggling to) (?:get (?:my|his|her|their|the) words out|find (?:the |my )?words|form words|say words)\\b',
      // Named, and the other sudden signs
      '\\b(?:having|had|have|be|is|it is|like|think|maybe|possibly|probably|might|could|mini|is this) (?:[a-z]+ ){0,3}?stroke\\b',
      '\\b(?:tia|transient isch(?:a)?emic attack)\\b',
      '\\bsudden(?:ly)? (?:loss of (?:vision|sight)|vision loss|blindness|went blind|double vision|lost (?:my |his |her |the )?(?:vision|sight))\\b',
      '\\b(?:lost|losing) (?:the |my )?(?:vision|sight) in (?:one|my left|my right|left|right|an|one of my) eyes?\\b',
      '\\bsudden(?:ly)? {adv}(?:blurry|blurred|blurring|dim|dark|grey|gray|black|loss of|lost|no|double|patchy) (?:vision|sight)\\b',
      '\\b(?:vision|sight) {be} {adv}suddenly {adv}(?:blurry|blurred|dim|dark|gone|black|grey|gray|double|blacked out)\\b',
      '\\b{cant} see (?:out of|with|from|anything (?:out of|with|from)) (?:one|my left|my right|one of my|an|his left|his right|her left|her right) eyes?\\b',
      '\\b(?:blind|dark|black|blurry|curtain) (?:in|over|across) (?:one|my left|my right|left|right) eye\\b',
      '\\bsudden(?:ly)? {adv}(?:loss of balance|lost (?:my |his |her )?balance|off balance|unsteady|can not walk (?:straight|properly)|can not stand up|room is spinning|vertigo|falling to one side)\\b',
      '\\b(?:dizzy|dizziness|vertigo|spinning|unsteady|off balance|wobbly|lost (?:my |his |her )?balance)\\b.{0,40}\\b{cant} (?:walk|stand|stay upright|keep (?:my|his|her) balance)(?: up)?(?: straight| properly| in a straight line| without falling)?\\b',
      '\\b{cant} walk (?:straight|in a straight line)\\b.{0,40}\\b(?:dizzy|dizziness|vertigo|spinning|falling)\\b',
      '\\b(?:dizzy|dizziness|vertigo)\\b.{0,30}\\b(?:seeing double|double vision|see double)\\b',
      '\\b(?:keeps?|keep on|kept) (?:falling|veering|leaning|tipping) (?:over )?(?:to|towards) (?:one|the left|the right) side\\b',
      '\\b(?:worst|worse|most painful|most severe) headache (?:of|in) {poss} (?:life|entire life|whole life)\\b',
      '\\b(?:worst|worse) headache (?:i|he|she|they) (?:have|has) ever (?:had|felt)\\b',
      '\\bheadache (?:came on|hit|started|struck) (?:like a|out of nowhere|all at once|in seconds|suddenly)\\b',
      '\\bthunderclap headache\\b',
      '\\bsudden(?:ly)? (?:a |an |got a |had a |have a |this )?{adv}(?:severe|terrible|excruciating|explosive|horrible|intense|crazy|worst|blinding|splitting|unbearable) headache\\b',
    ],
    unless: [
      '\\b(?:dentist|dental|anaesthetic|anesthetic|novocaine|filling|root canal)\\b',
      '\\bheat ?stroke (?:risk|prevention|tips)\\b',
      '\\bstroke (?:my|his|her|the|its|their|a) (?:cat|dog|kitten|puppy|pet|horse|hair|beard|back|arm|face|cheek|fur)\\b',
      '\\b(?:stroking|stroked|strokes) (?:the |my |his |her |its )?(?:cat|dog|kitten|puppy|pet|horse|hair|beard|fur)\\b',
      '\\b(?:golf|swimming|tennis|swim|breast|back|brush|paint|key|master|heat) ?strokes?\\b',
      '\\b(?:after (?:the |my |a )?(?:gym|workout|fall|injury|accident|surgery|operation|op|vaccin\\w*|jab|shot|lifting)|shoulder|sprain\\w*|fractur\\w*|broken|twisted|pulled a muscle|above {poss} head|over {poss} head|in a cast|plaster|slept on|sleeping on|from sitting|from lying)\\b',
      '\\b(?:signs|symptoms|warning signs) of (?:a )?stroke\\b',
      '\\bstroke (?:risk|prevention|awareness|unit nurse|survivors?)\\b',
    ],
    advice:
      'A drooping face, weakness in an arm or leg, or slurred or muddled speech can be a stroke: every minute counts. Note the time the symptoms started and tell the call handler. Do not eat, drink or take medicine, including aspirin, until a clinician says so. Even if the signs go away, it still needs checking today.',
  },
  {
    id: 'breathing',
    source: 'NHS: Shortness of breath — when to call 999; choking: Resuscitation Council UK',
    category: 'Severe breathing difficulty',
    level: 'emergency',
    patterns: [
      '\\b{cant} (?:even |really |properly |barely |hardly )?(?:breathe|breath|breathing|catch {poss} breath|get (?:my |enough |any )?(?:breath|air)|get air in)\\b',
      '\\b(?:difficulty|trouble|problems?|struggling|struggle|hard time|labou?red|fighting for|gasping for) (?:in |with |to )?(?:breathing|breathe|breath|air)\\b',
      '\\bshort(?:ness)? of breath\\b',
      '\\bbreathless(?:ness)?\\b',
      '\\bout of breath (?:at rest|sitting|lying|doing nothing|all the time|for no reason|even resting|when resting|talking)\\b',
      '\\b(?:gasping|choking|suffocating)\\b',
      '\\b(?:lips|face|skin|fingers|fingertips|tongue|he|she|they) {be} {adv}(?:turning |going )?(?:blue|grey|gray|purple)\\b',
      '\\bturning (?:blue|grey|gray)\\b',
      '\\b(?:not|stopped|stops|stopping|has stopped) breathing\\b',
      '\\bbreathing {be} {adv}(?:stopped|very fast|very slow|shallow|labou?red|noisy|rattling|weird|strange|irregular)\\b',
      '\\b(?:do not|does not|did not) think (?:he|she|they|it|the baby|my [a-z]+) (?:is|are) breathing\\b',
      '\\b(?:asthma attack|severe asthma|inhaler (?:is not|does not|did not|not|is) (?:working|helping))\\b',
      '\\bthroat {be} {adv}(?:closing|blocked|obstructed)\\b',
    ],
    unless: [
      '\\bthrough {poss} nose\\b',
      '\\bnose {be} {adv}(?:blocked|stuffy|congested|runny)\\b',
      '\\b(?:stuffy|blocked|runny) nose\\b',
      '\\bout of breath after (?:running|exercise|a run|climbing|the gym|stairs|walking up|sport)\\b',
      '\\bchoking (?:hazard|on (?:my|the) words)\\b',
      '\\b(?:choking|gasping) (?:back|up) tears\\b',
    ],
    advice:
      'Sit upright and loosen tight clothing. If you have a reliever inhaler, use it as you were shown. If someone is choking and cannot cough, speak or breathe, give up to five firm back blows between the shoulder blades, then abdominal thrusts.',
  },
  {
    id: 'anaphylaxis',
    source: 'NHS: Anaphylaxis; Resuscitation Council UK: Emergency treatment of anaphylaxis (2021)',
    shadows: ['allergic_reaction', 'anaphylaxis_swelling'],
    category: 'Severe allergic reaction (anaphylaxis)',
    level: 'emergency',
    patterns: [
      '\\bthroat {be} {adv}(?:closing|closing up|swelling|swollen|tight|tightening|constricting|swelling up)\\b',
      '\\bthroat {be} like (?:it is )?(?:closing|swelling|tightening)\\b',
      '\\b(?:swelling|swollen|swelled) (?:of |in |up )?{poss} (?:throat|tongue)\\b',
      '\\b(?:tongue|throat) {be} {adv}(?:swelling|swollen|puffing up|puffy|blowing up|huge|thick)\\b',
      '\\b(?:tongue|throat) (?:swelling|swelled|swells|closing|closing up|tightening|is closing)\\b',
      '\\b(?:can not|could not|hard to|struggling to|trouble) swallow(?:ing)?\\b.{0,30}\\b(?:swell\\w*|swollen|allerg\\w*|hives|sting|peanut\\w*|nuts?)\\b',
      '\\b(?:swell\\w*|swollen|allerg\\w*|hives|sting|peanut\\w*)\\b.{0,30}\\b(?:can not|could not|hard to|struggling to|trouble) swallow(?:ing)?\\b',
      '\\banaphyla(?:xis|ctic|ctic shock)\\b',
      '\\b(?:used|use|using|needed|need|needs|gave|give|giving|injected|inject|should i use|do i use|had to use) (?:my |his |her |their |an |the |a )?(?:epipen|epinephrine|adrenaline|auto injector)\\b',
      '\\b(?:severe|bad|serious|major|massive|huge) allergic reaction\\b',
    ],
    advice:
      'If an adrenaline auto-injector (EpiPen) is available, use it now in the outer thigh, then call. Lie down with the legs raised, or sit up if breathing is hard. If there is no improvement after 5 minutes, a second injector can be used.',
  },
  {
    id: 'anaphylaxis_swelling',
    source: 'NHS: Anaphylaxis; NICE CG134 (anaphylaxis)',
    shadows: ['allergic_reaction'],
    category: 'Swelling after an allergen (possible anaphylaxis)',
    level: 'emergency',
    patterns: [
      '\\b(?:lips?|face|mouth|eyes|eyelids) {be} {adv}(?:swelling|swollen|puffing up|puffy|blowing up|huge)\\b',
      '\\b(?:swelling|swollen|swelled) (?:of |in |up )?{poss} (?:lips?|face|mouth)\\b',
      '\\b(?:lips?|face|mouth|eyes|eyelids) (?:swelling|swelling up|swelled|swelled up|puffing up|blowing up|ballooning)\\b',
      '\\b(?:swollen|puffy|fat) (?:lips?|face|mouth|eyes)\\b',
      '\\bhives (?:all over|everywhere|over my whole body)\\b',
    ],
    withAny: [
      '\\b(?:allergic|allergy|allergies|allergen)\\b',
      '\\b(?:ate|eaten|eating|had some|tried) (?:[a-z]+ ){0,3}?(?:peanuts?|nuts?|shellfish|shrimp|prawns?|fish|egg|eggs|milk|sesame|cashews?|almonds?)\\b',
      '\\b(?:stung|sting|bee|wasp|hornet)\\b',
      '\\b(?:penicillin|antibiotic|antibiotics|amoxicillin|new medication|new medicine|contrast)\\b',
    ],
    advice:
      'Swelling of the lips, face or mouth after food, a sting or a medicine can turn into anaphylaxis quickly. If an adrenaline auto-injector (EpiPen) is available and breathing, swallowing or the voice is affected, use it now in the outer thigh.',
  },
  {
    id: 'suicide_self_harm',
    source: 'NHS: Help for suicidal thoughts; WHO: Preventing suicide — a resource for media and helplines',
    category: 'Suicidal thoughts or self-harm',
    level: 'emergency',
    onHistory: 'urgent',
    header: crisisHeader,
    patterns: [
      '\\bkill(?:ing)? (?:myself|my self)\\b',
      '\\b(?:want|wanted|wanting|going|gonna|thinking|thought|think|urge|urges|plan|planning|planned|tempted|feel like|considering|tried|trying|try) (?:to |of |about |on )?(?:kill|killing|hurt|hurting|harm|harming|cut|cutting|burn|burning|end|ending|hang|hanging|drown|drowning|shoot|shooting|overdose|overdosing|poison|poisoning) (?:myself|my self|my life|it all)\\b',
      '\\bsuicid(?:e|al|ality)\\b',
      '\\bself harm(?:ing|ed)?\\b',
      '\\b(?:end|ending|take|taking) (?:it all|my (?:own )?life)\\b',
      '\\b(?:want|wanna|wanted|wish|wishing|would rather) (?:to )?(?:i was |i were |to be |i could be |be )?(?:die|dead|disappear forever|not exist|not be alive|not wake up|never wake up|not be here|gone forever)\\b',
      '\\b(?:do not|does not|no longer|not|never) (?:want|wanna|wish)(?: to)? (?:live|be alive|exist|wake up|be here|go on|be around)\\b',
      '\\b(?:unalive|unaliving) (?:myself|my self)\\b',
      '\\bnot sure (?:if |whether )?(?:i|he|she) (?:want|wants|wanna) to (?:live|be alive|go on|be here)\\b',
      '\\b(?:see no|do not see (?:the|any)|what is the|no) point (?:in |of )?(?:living|going on|life|being alive|carrying on|being here)\\b',
      '\\b(?:better off dead|better off without me|no reason to live|nothing (?:left )?to live for|not worth living|life is not worth|no point (?:in )?living|no point (?:in )?going on|can not go on (?:living|like this|anymore)|see no way out|no way out)\\b',
      '\\b(?:cutting|cut|burning|burned|harming|hurting|hurt|scratching) myself\\b',
    ],
    unless: [
      '\\b(?:by accident|accidentally|while|when i was|cooking|shaving|chopping|slicing|on (?:a|the) (?:knife|glass|paper|edge)|playing|falling|fell)\\b',
      '\\bsuicide (?:prevention|awareness) (?:month|day|week|training|course)\\b',
    ],
    advice:
      'You can talk to someone right now, any time: contact {crisisLine}. If you can, tell someone you trust how you feel and stay with them, and move away from anything you could use to hurt yourself. Thoughts like these can get better with support, and you deserve that support.',
  },
  {
    id: 'harm_to_others',
    source: 'NHS 111: Mental health crisis — get urgent help',
    category: 'Risk of harming someone',
    level: 'emergency',
    header: crisisHeader,
    patterns: [
      '\\b(?:want|wanted|going|gonna|plan|planning|urge|urges|thinking about|tempted) (?:to )?(?:kill|hurt|harm|stab|shoot|strangle) {person}\\b',
    ],
    advice:
      'If anyone is in immediate danger, call {emergencyNumber} now. Put distance between yourself and the other person and away from anything that could be used as a weapon. You can also talk to {crisisLine}.',
  },
  {
    id: 'overdose_poisoning',
    source: 'NHS: Poisoning; NHS: Paracetamol overdose (delayed harm); button batteries: CAPT / NHS',
    shadows: ['medication_error'],
    category: 'Overdose or poisoning',
    level: 'emergency',
    patterns: [
      '\\boverdos(?:e|ed|es|ing)\\b',
      '\\b(?:took|taken|take|swallowed|ate|popped|downed|had|taking) (?:a |an )?(?:whole|entire|full|half a|half the|the whole|the entire|the rest of the) (?:bottle|pack|packet|box|strip|blister|jar|tub|sheet|month s supply|week s supply)\\b',
      '\\b(?:took|taken|swallowed|ate|popped|downed|taking)\\b(?=[a-z0-9 ]{0,40}\\b(?:handful|bunch|lots|loads|too many|too much|way too|dozens?|all of the|all of my|all of his|all of her|the rest of|[1-9][0-9]|[1-9][0-9][0-9])\\b)[a-z0-9 ]{0,50}\\b(?:pills|tablets|capsules|meds|medication|medicine|paracetamol|tylenol|acetaminophen|panadol|ibuprofen|advil|aspirin|painkillers|insulin|antidepressants|sleeping pills|sleeping tablets|xanax|diazepam|opioids|oxycodone|codeine|tramadol|fentanyl|heroin|iron tablets)\\b',
      '\\b(?:swallowed|drank|drunk|ate|eaten|ingested|licked|chewed|inhaled|got into|been into) (?:some |a |an |the |a lot of |some of the |a bottle of |bottle of |a sip of |a mouthful of )?(?:bleach|antifreeze|drain cleaner|oven cleaner|rat poison|poison|pesticide|weed ?killer|insecticide|detergent|laundry (?:pods?|capsules?|liquid)|dishwasher (?:tablets?|pods?)|button batter(?:y|ies)|batter(?:y|ies)|magnets?|lamp oil|paraffin|kerosene|gasoline|petrol|methanol|screenwash|wild mushrooms?|cleaning (?:fluid|product|products)|nail polish remover|e liquid|vape (?:juice|liquid)|medicine cabinet|pills|tablets)\\b',
      '\\bpoison(?:ed|ing)\\b',
      '\\bcarbon monoxide\\b',
    ],
    unless: [
      '\\bfood poisoning\\b',
      '\\bcarbon monoxide (?:alarm|detector|detectors|alarms)\\b',
      '\\bpoison ivy\\b',
      '\\bpoison(?:ous)? (?:control )?(?:number|centre|center)\\b',
    ],
    advice:
      'Do not wait for symptoms: some medicines and poisons, paracetamol among them, do harm hours later. Do not make anyone vomit. Keep the packet, bottle or plant to show the responders. A poison control centre can also advise.',
  },
  {
    id: 'severe_bleeding',
    source: 'NHS: First aid — severe bleeding; St John Ambulance',
    shadows: ['gi_bleeding', 'heavy_period'],
    category: 'Severe bleeding',
    level: 'emergency',
    patterns: [
      '\\b(?:bleeding|bleeds|bled) {adv}(?:heavily|a lot|badly|profusely|everywhere|like crazy|non stop|nonstop|so much|uncontrollably|loads)\\b',
      '\\b(?:heavy|severe|massive|uncontrolled|uncontrollable|profuse|serious|major|arterial) (?:bleeding|bleed|blood loss)\\b',
      '\\b(?:bleeding|bleed|blood) (?:will not|would not|does not|is not|can not|did not) stop(?:ping)?\\b',
      '\\b(?:can not|could not|unable to|not able to) stop (?:the |his |her |my |their )?bleeding\\b',
      '\\b(?:blood|it) {be} {adv}(?:spurting|pouring|gushing|squirting|pumping|everywhere)\\b',
      '\\b(?:spurting|gushing|pouring|squirting|losing (?:a lot of|lots of)) blood\\b',
      '\\blost (?:a lot of|lots of|so much) blood\\b',
      '\\b(?:coughing|coughed|vomiting|vomited|throwing|threw|puking|puked|spitting|spat|bringing) up blood\\b',
      '\\b(?:vomiting|vomited|puking|puked) blood\\b',
      '\\bblood in {poss} (?:vomit|sick)\\b',
      '\\bsoaked (?:through )?(?:a |the |my |his |her )?(?:towel|towels|bandage|bandages|shirt|clothes)\\b',
    ],
    unless: ['\\b(?:period|periods|menstrual|menstruation|nosebleed|nose bleed|gums?|paper cut)\\b'],
    advice:
      'Press firmly on the wound with a clean cloth or your hand and keep pressing without lifting to check; raise the injured part if you can. Do not pull out anything stuck in the wound. Keep the person warm and lying down.',
  },
  {
    id: 'unconscious_seizure',
    source: 'NHS: First aid — unconscious person, epilepsy — what to do if someone has a seizure',
    shadows: ['fainting'],
    category: 'Unconsciousness, collapse or seizure',
    level: 'emergency',
    patterns: [
      '\\b(?:unconscious|unresponsive|unrousable|non responsive|nonresponsive|lost consciousness|losing consciousness)\\b',
      '\\b(?:he|she|they|dad|mum|mom|father|mother|husband|wife|partner|friend|grandma|grandpa|baby|child|son|daughter|someone|person|man|woman) (?:is |are |has |just )?(?:not responding|collapsed|keeled over|fell unconscious)\\b',
      '\\b(?:collapsed|keeled over)\\b',
      '\\b(?:can not|could not|unable to) (?:wake|rouse) {person}(?: up)?\\b',
      '\\b(?:will not|would not|does not|is not|did not) (?:wake|waking|rouse) up\\b',
      '\\bseizures?\\b',
      '\\b(?:convuls(?:ing|ion|ions|ed)|having a fit|had a fit|fitting|epileptic (?:fit|attack))\\b',
      '\\b(?:shaking|jerking|twitching) (?:uncontrollably|all over|and (?:not|unresponsive))\\b',
    ],
    unless: [
      '\\b(?:app|website|site|computer|laptop|phone|server|page|program|screen|printer)\\b',
      '\\b(?:well |under |fully )?controlled\\b',
      '\\bseizure (?:free|medication|meds|tablets)\\b',
      '\\b(?:medication|meds|tablets|pills|medicine) for (?:my |his |her |their )?(?:seizures|epilepsy|fits)\\b',
      '\\bin the mornings?\\b',
      '\\b(?:early|on time|for work|for school|my alarm)\\b',
      '\\bcollapsed (?:lung|veins?|disc)\\b',
    ],
    advice:
      'If the person does not respond and is not breathing normally, start CPR if you can; the call handler will guide you. During a seizure do not hold them down or put anything in their mouth: move hard objects away and time it. When it stops, turn them on their side.',
  },
  {
    id: 'not_moving',
    source: 'NHS: First aid — CPR; Resuscitation Council UK',
    category: 'Person not moving or not responding',
    level: 'emergency',
    patterns: [
      '\\b(?:is not|is no longer|are not|stopped|has stopped|not) (?:moving|responding|reacting)\\b',
      '\\b(?:will not|does not|can not) (?:respond|react)\\b',
    ],
    unless: [
      '\\b(?:app|website|site|computer|laptop|phone|server|page|program|screen|printer|car|traffic|bowels?|queue|line)\\b',
      '\\b(?:as much|as often|so much|much|as usual|kicks|kicking|movements?|pregnan\\w*|bump|womb)\\b',
      '\\b(?:to|responding to) (?:treatment|medication|antibiotics|the medicine|the meds|the tablets|the cream|therapy)\\b',
      '\\b(?:my (?:messages|texts|calls|emails)|texts|calls|emails)\\b',
    ],
    advice:
      'If the person does not respond and is not breathing normally, start CPR if you can; the call handler will guide you. Do not move someone who may have hurt their neck or back unless they are in danger.',
  },
  {
    id: 'head_injury_severe',
    source: 'NICE NG232 (head injury) — red flags; NHS: Head injury and concussion',
    shadows: ['head_injury'],
    category: 'Head injury with danger signs',
    level: 'emergency',
    patterns: [
      '\\b(?:hit|hits|hitting|bumped|bumping|banged|banging|smashed|struck|knocked|hurt|injured|bashed|cracked|whacked) (?:{poss} |him |her |them )?(?:own )?head\\b',
      '\\bhead (?:injury|injuries|trauma|wound|knock|bump)\\b',
      '\\bfell (?:and|on|onto|off)\\b.{0,40}\\bhead\\b',
      '\\bconcussion\\b',
    ],
    withAny: [
      '\\b(?:vomit\\w*|throwing up|threw up|thrown up|being sick|been sick)\\b',
      '\\b(?:confus\\w*|disorient\\w*|not making sense|does not know where)\\b',
      '\\b(?:drowsy|very sleepy|can not stay awake|hard to wake)\\b',
      '\\b(?:passed out|knocked out|blacked out|unconscious|lost consciousness)\\b',
      '\\b(?:seizure|fitting|convuls\\w*)\\b',
      '\\b(?:clear fluid|blood|bleeding) (?:from|coming out of) {poss} (?:ears?|nose)\\b',
      '\\b(?:unequal|different sized?) pupils\\b',
      '\\b(?:blood thinners?|warfarin|apixaban|rivaroxaban|anticoagulants?)\\b',
    ],
    advice:
      'After a head injury, vomiting, confusion, drowsiness, a seizure, having been knocked out, fluid from the ears or nose, or taking blood thinners all need emergency assessment. Do not leave the person alone.',
  },
  {
    id: 'skull_fracture',
    source: 'NHS: Head injury and concussion',
    shadows: ['head_injury'],
    category: 'Severe head injury',
    level: 'emergency',
    patterns: ['\\b(?:skull fracture|fractured skull|cracked skull|broken skull)\\b'],
    advice: 'Keep the head and neck still and do not leave the person alone.',
  },
  {
    id: 'meningitis',
    source: 'NHS: Meningitis — symptoms; Meningitis Now',
    category: 'Possible meningitis (fever, stiff neck, rash)',
    level: 'emergency',
    patterns: [
      '\\b(?:stiff neck|neck {be} {adv}stiff|can not (?:bend|touch|put|move) {poss} (?:chin|neck|head) (?:to|down|forward))\\b',
      '\\b(?:sensitive to light|light (?:hurts|is hurting) {poss} eyes)\\b',
    ],
    withAny: ['\\b{fever}'],
    advice:
      'A fever with a stiff neck, a dislike of bright light or a rash that does not fade under a pressed glass can be meningitis, which needs treatment immediately.',
  },
  {
    id: 'non_blanching_rash',
    source: 'NHS: Meningitis — glass test; NICE NG240 (meningitis)',
    category: 'Rash that does not fade (possible meningitis or sepsis)',
    level: 'emergency',
    patterns: [
      '\\b(?:rash|spots|marks|blotches) (?:that )?(?:do not|does not|will not|did not|is not|are not|not|won t) (?:fade|blanch|go away|disappear) (?:when|under|with|if) (?:a |the |i )?(?:glass|press|pressed|pressing)\\b',
      '\\bnon ?blanching\\b',
      '\\b(?:glass test)\\b',
      '\\bmeningitis\\b',
      '\\bpurple (?:rash|spots|blotches)\\b',
      '\\bsepsis\\b',
    ],
    unless: ['\\b(?:vaccin\\w*|jab|shot|booster)\\b'],
    advice:
      'A rash that does not fade when a glass is pressed on it, with fever or feeling very unwell, can be meningitis or sepsis, which need treatment immediately.',
  },
  {
    id: 'sepsis',
    source: 'NHS: Sepsis — symptoms; UK Sepsis Trust; NICE NG51',
    category: 'Possible sepsis (infection with danger signs)',
    level: 'emergency',
    patterns: [
      '\\b(?:skin|legs?|arms?|knees?|lips) {be} {adv}(?:mottled|blotchy|patchy|bluish|ashen)\\b',
      '\\bmottled\\b',
      '\\b(?:not|has not|have not|has not been|have not been|did not|had not) (?:peed|urinated|passed (?:any )?urine|weed|had a wee|been to the toilet)\\b(?=[a-z ]{0,12}\\b(?:all day|since|for|in (?:a|\\d+|one|two)))',
      '\\bno (?:urine|pee|wee) (?:all day|for|since|in)\\b',
      '\\b(?:shivering|shaking|trembling) (?:uncontrollably|violently|like crazy|non stop)\\b|\\buncontrollable shivering\\b',
      '\\b(?:feel|feels|feeling|felt) like (?:i am|he is|she is|i was|i am going to|he is going to|she is going to|i will|i might) (?:dying|die)\\b',
      '\\b(?:breathing|breathes|breathe) (?:really |very |super )?fast\\b',
    ],
    withAny: [
      '\\b{fever}',
      '\\b(?:infection|infected|uti|pneumonia|chills|cellulitis|kidney infection|wound|after (?:surgery|an operation|my operation|the operation)|flu|chest infection)\\b',
    ],
    advice:
      'An infection or fever with confusion, slurred speech, mottled or bluish skin, very fast breathing, uncontrollable shivering or no urine for a day can be sepsis, which needs treatment immediately. Say "I am worried about sepsis".',
  },
  {
    id: 'pregnancy_bleeding',
    source: 'NHS: Vaginal bleeding in pregnancy; ectopic pregnancy',
    shadows: ['pregnancy_warning'],
    category: 'Bleeding or severe pain in pregnancy',
    level: 'emergency',
    patterns: [
      '\\bpregnan\\w*\\b',
      '\\b(?:weeks|months) (?:along|gone)\\b',
      '\\b(?:i am|she is|my wife is|my partner is|my girlfriend is|we are) (?:about |nearly |almost |only )?(?:[4-9]|[1-3][0-9]|4[0-2]) (?:weeks|wks)\\b',
      '\\bectopic\\b',
    ],
    withAny: [
      '\\b(?:bleeding|bleed|passing blood|haemorrhag\\w*|hemorrhag\\w*)\\b',
      '\\bblood (?:loss|clots?|coming|everywhere|on|in (?:my|the) (?:underwear|pants|knickers|toilet|pad))\\b',
      '\\bsevere (?:pain|cramps|cramping|abdominal pain|stomach pain|belly pain|tummy pain|headache)\\b',
      '\\b(?:water|waters) (?:broke|broken|has broken|have broken|breaking)\\b',
      '\\bectopic\\b',
    ],
    advice:
      'Bleeding, severe tummy pain or waters breaking in pregnancy need to be checked immediately. Call your maternity unit on the way if you have its number.',
  },
  {
    id: 'infant_fever',
    source: 'NHS: Fever in children (under 3 months, 38 °C); NICE NG143',
    shadows: ['child_unwell', 'high_fever'],
    category: 'Fever in a baby under 3 months',
    level: 'emergency',
    patterns: [
      '\\b(?:newborn|neonate|(?:\\d|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (?:day|days|week|weeks|wk|wks) old|(?:[0-2]|one|two) (?:month|months|mo) old)\\b',
    ],
    withAny: ['\\b{fever}', '\\b(?:temperature|temp|hot)\\b'],
    advice:
      'A baby under 3 months with a temperature of 38 °C (100.4 °F) or higher needs to be seen by a doctor straight away, even if they seem well otherwise.',
  },
  {
    id: 'child_danger',
    source: 'NHS: Signs of serious illness in a baby or child; NICE NG143 (traffic light: red)',
    shadows: ['child_unwell'],
    category: 'Danger signs in a baby or child',
    level: 'emergency',
    patterns: ['\\b{child}\\b'],
    withAny: [
      '\\b(?:floppy|limp|unresponsive|lifeless|mottled|grunting)\\b',
      '\\b(?:hard|difficult|impossible) to wake\\b',
      '\\b(?:bulging|sunken) (?:soft spot|fontanelle)\\b',
      '\\bhigh pitched (?:cry|crying|scream)\\b',
      '\\bnot (?:responding|reacting)\\b',
      '\\b(?:blue|grey|gray) (?:lips|skin|tongue|face)\\b',
    ],
    advice:
      'A baby or child who is floppy, very hard to wake, blue, grey or mottled, grunting with each breath or has a high-pitched cry needs emergency care now.',
  },
  {
    id: 'sudden_confusion',
    source: 'NHS: Confusion (sudden) — call 999',
    category: 'Sudden confusion',
    level: 'emergency',
    patterns: [
      '\\bsudden(?:ly)? {adv}(?:confused|disorient\\w*|not making sense|does not know where)\\b',
      '\\b(?:does|did) not (?:know|recogni[sz]e) (?:where (?:he|she|they) (?:is|are)|(?:me|us|his family|her family|anyone))\\b',
      '\\b(?:confused|disoriented|disorientated|muddled|dazed) (?:and |or )?(?:is |are |am |keeps? )?(?:not making (?:any )?sense|talking nonsense|rambling|babbling|incoherent|disoriented|disorientated|not (?:herself|himself|themselves|myself)|does not know)\\b',
      '\\b(?:he|she|they|dad|mum|mom|father|mother|husband|wife|grandma|grandpa|grandmother|grandfather|partner|friend) (?:is |are |was |seems |seem |keeps )?(?:suddenly |really |very |just )?(?:not making (?:any )?sense|talking nonsense|incoherent|making no sense)\\b',
      '\\b(?:does|did|do) not (?:know|remember) (?:what (?:day|year|month) it is|who (?:i am|he is|she is|we are)|(?:his|her|their|my) own name)\\b',
    ],
    unless: [
      '\\b(?:confused|disoriented) (?:about|by|as to|with|whether|why|how|what|which|if)\\b',
      '\\b(?:app|bill|form|letter|instructions|website|leaflet|article)\\b',
    ],
    advice:
      'Sudden confusion can come from a stroke, a serious infection, low blood sugar or poisoning. Stay with the person and note when it started.',
  },
  {
    id: 'diabetic_emergency',
    source: 'NHS: Low blood sugar (hypoglycaemia); Diabetes UK: DKA',
    category: 'Diabetic emergency',
    level: 'emergency',
    patterns: [
      '\\b(?:hypo|hypoglyc\\w*|low blood sugar|blood sugar {be} {adv}(?:low|very low|dropping|crashing)|sugar {be} {adv}(?:low|crashing))\\b',
      '\\b(?:dka|diabetic ketoacidosis|ketoacidosis)\\b',
    ],
    withAny: [
      '\\b(?:confus\\w*|drowsy|unconscious|passing out|passed out|can not (?:think|stay awake|swallow)|seizure|fitting|not making sense|unresponsive|collapsed)\\b',
      '\\b(?:dka|diabetic ketoacidosis|ketoacidosis)\\b',
    ],
    advice:
      'If the person is awake and can swallow, give fast-acting sugar now (juice, glucose tablets, regular soda). Give nothing by mouth if they are drowsy or unconscious: lay them on their side.',
  },

  // ------------------------------------------------------------------ urgent
  {
    id: 'head_injury',
    source: 'NHS: Head injury and concussion; NICE NG232',
    category: 'Head injury',
    level: 'urgent',
    patterns: [
      '\\b(?:hit|hits|hitting|bumped|bumping|banged|banging|smashed|struck|knocked|hurt|injured|bashed|cracked|whacked) (?:{poss} |him |her |them )?(?:own )?head\\b',
      '\\bhead (?:injury|injuries|trauma|wound)\\b',
      '\\bconcussion\\b',
    ],
    advice:
      'After a knock to the head, get checked today, especially if you are over 65 or take blood thinners. Call {emergencyNumber} if vomiting, confusion, drowsiness, a seizure or a worsening headache appear.',
  },
  {
    id: 'allergic_reaction',
    source: 'NHS: Allergies — when to get help',
    category: 'Allergic reaction',
    level: 'urgent',
    patterns: [
      '\\ballergic reaction\\b',
      '\\bhives\\b',
      '\\b(?:lips?|face|eyes|eyelids|mouth) {be} {adv}(?:swelling|swollen|puffing up|puffy)\\b',
      '\\b(?:lips?|face|mouth|eyelids) (?:swelling|swelling up|swelled|swelled up|puffing up|blowing up|ballooning)\\b',
    ],
    advice:
      'An allergic reaction that spreads, or any swelling of the face or mouth, needs a doctor today. Call {emergencyNumber} at once if breathing, swallowing or the voice is affected, or if you feel faint.',
  },
  {
    id: 'fainting',
    source: 'NHS: Fainting — when to get medical help',
    category: 'Fainting',
    level: 'urgent',
    patterns: [
      '\\b(?:passed out|blacked out|fainted|fainting|faint spells?|blackouts?)\\b',
      '\\b(?:going to|gonna|about to|could|might|almost) (?:pass out|faint|black out)\\b',
    ],
    advice:
      'Fainting needs a check-up today, and at once if it happened during exercise, with chest pain or palpitations, or after a head injury.',
  },
  {
    id: 'severe_abdominal_pain',
    source: 'NHS: Stomach ache — when to get help; appendicitis',
    category: 'Severe abdominal pain',
    level: 'urgent',
    patterns: [
      '\\b(?:severe|excruciating|unbearable|worst|terrible|intense|agonizing|agonising|crippling|really bad|very bad|extreme) (?:abdominal|stomach|belly|tummy|abdomen|lower right|lower left|side) (?:pain|ache|cramps?)\\b',
      '\\b(?:abdominal|stomach|belly|tummy) (?:pain|ache) {be} {adv}(?:severe|unbearable|excruciating|agonizing|the worst)\\b',
      '\\b(?:rigid|hard as a board) (?:belly|abdomen|stomach|tummy)\\b',
      '\\bappendicitis\\b',
    ],
    advice:
      'Severe or worsening tummy pain needs to be seen today. Do not eat until a clinician has checked you; call {emergencyNumber} if the pain is unbearable, the belly is rigid, or you vomit blood or feel faint.',
  },
  {
    id: 'high_fever',
    source: 'NHS: High temperature (fever) in adults; NHS 111',
    category: 'Very high fever',
    level: 'urgent',
    patterns: [
      '\\b(?:fever|temperature|temp)\\b[a-z ]{0,12}\\b(?:40|41|42|104|105|106|107)\\b',
      '\\b(?:40|41|42|104|105|106) (?:degrees|c|f|deg)\\b',
      '\\bfever (?:for |of )?(?:more than |over )?(?:3|three|4|four|5|five|6|six|7|seven) days\\b',
    ],
    advice:
      'A temperature of 40 °C (104 °F) or more, or a fever lasting more than 3 days, needs a doctor today. Drink plenty; call {emergencyNumber} if there is confusion, a stiff neck, a rash that does not fade or trouble breathing.',
  },
  {
    id: 'child_unwell',
    source: 'NHS: Dehydration in children; NICE NG143',
    category: 'Unwell child who needs a doctor today',
    level: 'urgent',
    patterns: ['\\b{child}\\b'],
    withAny: [
      '\\b(?:not feeding|will not feed|refusing (?:to )?(?:feed|feeds|drink|fluids|milk|the bottle|the breast)|not drinking|stopped drinking)\\b',
      '\\b(?:lethargic|very sleepy|dehydrated|no wet (?:diapers?|nappies|nappy)|dry (?:diapers?|nappies|nappy))\\b',
      '\\b(?:vomiting everything|can not keep (?:anything|fluids|water|milk) down|green vomit)\\b',
    ],
    advice:
      'A child who will not drink, has far fewer wet nappies, is unusually sleepy or has a high fever needs a doctor today. Call {emergencyNumber} if they become floppy, hard to wake, blue or grey, or have a rash that does not fade.',
  },
  {
    id: 'pregnancy_warning',
    source: 'NHS: Baby movements in pregnancy; pre-eclampsia symptoms',
    category: 'Warning signs in pregnancy',
    level: 'urgent',
    patterns: [
      '\\bpregnan\\w*\\b',
      '\\b(?:weeks|months) (?:along|gone)\\b',
      '\\b(?:i am|she is|my wife is|my partner is|my girlfriend is|we are) (?:about |nearly |almost |only )?(?:[4-9]|[1-3][0-9]|4[0-2]) (?:weeks|wks)\\b',
    ],
    withAny: [
      '\\bbaby (?:is not|has not been|stopped|not|is) (?:moving|kicking)\\b',
      '\\b(?:less|fewer|reduced|no|decreased) (?:baby |fetal |foetal )?(?:movements?|kicks|kicking)\\b',
      '\\b(?:blurred|blurry) vision\\b',
      '\\b(?:bad|severe|terrible|pounding) headache\\b',
      '\\b(?:swollen|swelling|puffy) (?:face|hands|fingers|feet)\\b',
      '\\bspotting\\b',
      '\\bfever\\b',
    ],
    advice:
      "Changes in your baby's movements, a bad headache, blurred vision, sudden swelling, spotting or a fever in pregnancy need checking today: call your maternity unit or midwife now, day or night.",
  },
  {
    id: 'burns',
    source: 'NHS: Burns and scalds — treatment',
    category: 'Serious burn',
    level: 'urgent',
    patterns: [
      '\\b(?:severe|bad|large|deep|big|third degree|second degree|chemical|electrical|acid) burns?\\b',
      '\\bburn(?:ed|t)? (?:[a-z]+ ){0,3}?(?:by|from|with|on) (?:boiling|hot) (?:water|oil|fat|kettle|pan|stove)\\b',
      '\\belectric shock\\b',
    ],
    advice:
      'Cool the burn under cool running water for 20 minutes, remove jewellery near it and cover it loosely with cling film. Large, deep, chemical or electrical burns, and burns on the face, hands or genitals, need to be seen today.',
  },
  {
    id: 'testicular_pain',
    source: 'NHS: Testicle pain — torsion is an emergency',
    category: 'Sudden testicular pain',
    level: 'urgent',
    patterns: [
      '\\bsudden(?:ly)? (?:severe |bad )?(?:testicle|testicular|scrotal|ball|balls) (?:pain|ache|hurts?)\\b',
      '\\b(?:testicle|testicles|testicular) (?:pain |is |are )?(?:twisted|torsion)\\b',
      '\\btesticular torsion\\b',
    ],
    advice:
      'Sudden pain in a testicle can be a torsion, which needs surgery within hours: go to an emergency department now.',
  },
  {
    id: 'medication_error',
    source: 'NHS: What to do if you take too much of a medicine; NHS 111',
    category: 'Wrong or double dose of a medicine',
    level: 'urgent',
    patterns: [
      '\\b(?:double|triple|extra|wrong|second) (?:dose|doses|dosage)\\b',
      '\\btook (?:my |the )?(?:dose|medication|meds|medicine|pills|tablets) twice\\b',
      '\\btook (?:someone else s|my (?:wife|husband|partner|mum|mom|dad) s) (?:medication|meds|pills|tablets|medicine)\\b',
    ],
    advice:
      'Call a pharmacist, your doctor or a poison control centre now and tell them the medicine, the dose and the time. Call {emergencyNumber} if you feel drowsy, confused, faint or your heartbeat feels wrong.',
  },
  {
    id: 'gi_bleeding',
    source: 'NHS: Blood in poo — black or dark red poo',
    category: 'Possible internal bleeding',
    level: 'urgent',
    patterns: [
      '\\b(?:black|tarry|tar like) (?:stool|stools|poop|poo|bowel movements?)\\b',
      '\\b(?:stool|stools|poop|poo) {be} {adv}(?:black|tarry)\\b',
      '\\b(?:a lot of|lots of) blood (?:in|when|from) {poss} (?:stool|stools|poop|poo|urine|pee|bum)\\b',
    ],
    advice:
      'Black, tarry stools or a lot of blood in stool or urine need to be checked today. Call {emergencyNumber} if you feel faint, dizzy or breathless.',
  },
  {
    id: 'heavy_period',
    source: 'NHS: Heavy periods — when to get help',
    category: 'Very heavy bleeding',
    level: 'urgent',
    patterns: [
      '\\b(?:soaking|soaked|soak) (?:through )?(?:a |one |my )?(?:pad|pads|tampon|tampons) (?:every|an|each|in an|in less than an) (?:hour|hours)\\b',
      '\\b(?:huge|large|big) (?:blood )?clots\\b',
    ],
    advice:
      'Soaking a pad or tampon every hour, or passing large clots, needs a doctor today. Call {emergencyNumber} if you feel faint or dizzy.',
  },
];
