/**
 * Triage bench: what reading every message in four languages costs, against the English-only path
 * it replaced, on the same messages, side by side in one run.
 *
 *   node --conditions=development --import tsx bench/triage.bench.ts
 *
 * For each language (en, de, fr, es), two messages: a typical one (a sentence or two with a red
 * flag) and the longest the API accepts (8000 characters of everyday text with a red flag near the
 * end). Baseline: the English-only triage (`createTriage` with the English pack alone, i.e. the
 * pre-multilingual path: normalize, prefilter, clause analysis of the rules that can fire).
 * Candidates: the four-language `assess` (detect, run every pack in reach, pick the most urgent),
 * the same with the card's language as a hint, and `foldText` alone (the normalization every
 * non-English pack starts with) to show what the floor is. Triage runs on every message before the
 * model, so its p99 is part of the time to first token.
 */
import { createTriage } from '../apps/api/src/modules/triage/triage.service.js';
import { english } from '../apps/api/src/modules/triage/triage.lang.en.js';
import { foldText } from '../apps/api/src/modules/triage/triage.normalize.js';
import type { TriageLanguageCode } from '../apps/api/src/modules/triage/triage.language.js';
import { compare } from './lib.js';

const options = { emergencyNumber: '112', crisisLine: 'the local crisis line' };
const all = createTriage(options);
const englishOnly = createTriage(options, undefined, [english]);

const samples: Record<TriageLanguageCode, { typical: string; filler: string; flag: string }> = {
  en: {
    typical: "Since this morning my dad's face is drooping on one side and he can't lift his arm. What should I do?",
    filler:
      'I slept badly last night and had a mild cough, but no fever. I took my usual tablets with breakfast and went for a short walk. ',
    flag: 'Now my chest feels tight and I can barely breathe.',
  },
  de: {
    typical:
      'Seit heute Morgen hängt das Gesicht meines Vaters auf einer Seite und er kann den Arm nicht heben. Was soll ich tun?',
    filler:
      'Ich habe letzte Nacht schlecht geschlafen und etwas Husten, aber kein Fieber. Meine Tabletten habe ich zum Frühstück genommen. ',
    flag: 'Jetzt habe ich starke Brustschmerzen und bekomme kaum Luft.',
  },
  fr: {
    typical: "Depuis ce matin, le visage de mon père tombe d'un côté et il ne peut plus lever le bras. Que faire ?",
    filler:
      "J'ai mal dormi cette nuit et je tousse un peu, mais pas de fièvre. J'ai pris mes comprimés habituels au petit déjeuner. ",
    flag: "Maintenant j'ai une douleur thoracique et je n'arrive pas à respirer.",
  },
  es: {
    typical: 'Desde esta mañana a mi padre se le cae la cara de un lado y no puede levantar el brazo. ¿Qué hago?',
    filler:
      'Anoche dormí mal y tengo un poco de tos, pero no tengo fiebre. Me tomé las pastillas de siempre con el desayuno. ',
    flag: 'Ahora tengo dolor de pecho y no puedo respirar.',
  },
};

function long(filler: string, flag: string): string {
  const body = filler.repeat(Math.ceil(8000 / filler.length)).slice(0, 8000 - flag.length - 1);
  return `${body.slice(0, body.lastIndexOf(' '))} ${flag}`.slice(0, 8000);
}

for (const [code, s] of Object.entries(samples) as Array<[TriageLanguageCode, (typeof samples)['en']]>) {
  const big = long(s.filler, s.flag);
  for (const [size, text, batch] of [
    ['typical', s.typical, 200],
    [`${big.length} chars`, big, 10],
  ] as const) {
    const check = all.assess(text);
    if (check.level !== 'emergency' || check.language !== code) {
      throw new Error(`bench message (${code}, ${size}) did not fire in ${code}: ${JSON.stringify(check.matches)}`);
    }
    await compare(
      `triage.assess, ${code}, ${size} (per message)`,
      ['English-only triage (the previous path)', () => englishOnly.assess(text)],
      [
        ['4-language assess (detect + packs in reach)', () => all.assess(text)],
        [`4-language assess, card hint '${code}'`, () => all.assess(text, { language: code })],
        ['foldText alone', () => foldText(text)],
      ],
      { batch, rounds: 20, warmupRounds: 3 },
    );
  }
}
