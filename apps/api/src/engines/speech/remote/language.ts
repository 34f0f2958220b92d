/**
 * Language names and codes as the vendors speak them. The port speaks ISO 639-1 (`en`); Azure and
 * Google want a BCP-47 locale (`en-US`); Whisper's verbose JSON names the language (`english`);
 * ElevenLabs answers ISO 639-3 (`eng`). ICU (in every Node build) knows the names and the likely
 * region of a language, so only the 639-3 codes need a table.
 */

/** `en` → `en-US`, `de` → `de-DE`, `pt-BR` stays; `fallback` when nothing is given. */
export function toLocale(language: string | undefined, fallback: string): string {
  if (!language) return fallback;
  try {
    const loc = new Intl.Locale(language);
    if (loc.region) return `${loc.language}-${loc.region}`;
    const max = loc.maximize();
    return max.region ? `${max.language}-${max.region}` : loc.language;
  } catch {
    return fallback;
  }
}

/** The ISO 639-1 part of a locale: `en-US` → `en`. */
export function baseLanguage(locale: string): string {
  return locale.split(/[-_]/)[0]!.toLowerCase();
}

let byName: Map<string, string> | undefined;

/** `english` → `en`, for every two-letter code ICU names (built once, on first use). */
function codeOfName(name: string): string | undefined {
  if (!byName) {
    byName = new Map();
    const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });
    for (let a = 97; a <= 122; a++)
      for (let b = 97; b <= 122; b++) {
        const code = String.fromCharCode(a, b);
        const n = names.of(code)?.toLowerCase();
        if (n && !byName.has(n)) byName.set(n, code);
      }
  }
  return byName.get(name);
}

const ISO_639_3: Record<string, string> = {
  eng: 'en',
  spa: 'es',
  fra: 'fr',
  deu: 'de',
  ita: 'it',
  por: 'pt',
  nld: 'nl',
  ara: 'ar',
  zho: 'zh',
  cmn: 'zh',
  jpn: 'ja',
  kor: 'ko',
  rus: 'ru',
  hin: 'hi',
  tur: 'tr',
  pol: 'pl',
  swe: 'sv',
  ukr: 'uk',
  ell: 'el',
  ces: 'cs',
};

/** What a vendor said the language was (`english`, `eng`, `en`, `en-US`) as ISO 639-1, else `fallback`. */
export function normaliseLanguage(said: unknown, fallback: string): string {
  if (typeof said !== 'string' || !said) return fallback;
  const s = said.trim().toLowerCase();
  if (/^[a-z]{2}([-_][a-z0-9]+)?$/.test(s)) return s.slice(0, 2);
  return ISO_639_3[s] ?? codeOfName(s) ?? fallback;
}
