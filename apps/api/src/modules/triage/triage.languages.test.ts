/**
 * Red-flag triage in every language pack: the multilingual corpus (`triage.corpus.ts`) must fire
 * the expected rule at the expected level with the answer in the message's language, and stay quiet
 * on its negatives; precision and recall over the corpus are printed. Also: the packs' data is
 * well-formed (patterns in the folded form their normalizer produces, every rule with advice),
 * language detection and the card-language hint, the answers' fixed texts and `stripTriageBlock`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { corpus } from './triage.corpus.js';
import { createDetector, languageOfTag, type TriageLanguageCode } from './triage.language.js';
import { normalizeGerman } from './triage.lang.de.js';
import { foldText } from './triage.normalize.js';
import { compileRules, createTriage, languagePacks, stripTriageBlock, triageFooters } from './triage.service.js';
import { footer, triageRules } from './triage.rules.js';

const triage = createTriage({ emergencyNumber: '112' });
const codes = Object.keys(corpus) as TriageLanguageCode[];

describe('language packs (data)', () => {
  for (const pack of languagePacks) {
    it(`${pack.code}: compiles, every rule has advice and its English twin`, () => {
      const compiled = compileRules(pack.rules, pack.macros);
      assert.equal(compiled.length, pack.rules.length);
      const ids = new Set(triageRules.map((r) => r.id));
      for (const r of pack.rules) {
        assert.ok(ids.has(r.id), r.id);
        assert.ok(r.advice.length > 20, `${pack.code} ${r.id} advice`);
      }
    });
    if (pack.code === 'en') continue;
    it(`${pack.code}: patterns are written in the folded form the normalizer produces`, () => {
      const fold = pack.code === 'de' ? normalizeGerman : foldText;
      for (const r of pack.rules) {
        for (const p of [...r.patterns, ...(r.withAny ?? []), ...(r.unless ?? [])]) {
          // Only the letters of a pattern matter: they must survive the language's own folding.
          const words = p.replace(/\\[a-z]/g, ' ').match(/[^\s()?:|[\]{}*+.\\^$!=,0-9-]+/g) ?? [];
          for (const w of words) assert.equal(fold(w), w, `${pack.code} ${r.id}: "${w}" in ${p}`);
        }
      }
    });
    it(`${pack.code}: fixed texts are translated and keep the placeholders`, () => {
      const t = pack.texts;
      assert.notEqual(t.footer, footer);
      assert.match(t.levelHeaders.emergency, /\{emergencyNumber\}/);
      assert.match(t.levelHeaders.urgent, /\{emergencyNumber\}/);
      assert.match(t.crisisHeader, /\{emergencyNumber\}/);
      const suicide = pack.rules.find((r) => r.id === 'suicide_self_harm');
      assert.ok(suicide && suicide.advice.includes('{crisisLine}'));
      assert.equal(suicide.header, t.crisisHeader);
    });
  }
  it('every rule of every pack has a positive case in the corpus of its language', () => {
    const missing = languagePacks.flatMap((pack) => {
      const covered = new Set(corpus[pack.code].map(([, rule]) => rule));
      return pack.rules.filter((r) => !covered.has(r.id)).map((r) => `${pack.code}:${r.id}`);
    });
    // English rules are also covered by triage.test.ts.
    const english = new Set(triageRules.map((r) => `en:${r.id}`));
    assert.deepEqual(
      missing.filter((m) => !english.has(m)),
      [],
    );
  });
  it('a local rule with no English twin is refused', async () => {
    const { localizeRules } = await import('./triage.language.js');
    assert.throws(() => localizeRules(triageRules, { nope: { patterns: ['x'], advice: 'x' } }, '', ''), /nope/);
  });
});

const stats = { tp: 0, fn: 0, fp: 0, tn: 0 };

for (const code of codes) {
  describe(`triage corpus (${code})`, () => {
    for (const [text, rule, level] of corpus[code]) {
      if (rule) {
        it(`${code} ${level}: ${JSON.stringify(text)} → ${rule}`, () => {
          const r = triage.assess(text);
          const m = r.matches.find((x) => x.ruleId === rule);
          if (m) stats.tp++;
          else stats.fn++;
          assert.ok(m, `expected ${rule}, got [${r.matches.map((x) => `${x.ruleId}("${x.phrase}")`).join(', ')}]`);
          assert.equal(m.level, level, `level of ${rule}`);
          assert.equal(r.language, code, 'answered in the language of the message');
          assert.ok(r.answer && r.answer.includes('112'));
          assert.ok(r.answer.endsWith(languagePacks.find((p) => p.code === code)!.texts.footer));
        });
      } else {
        it(`${code} none: ${JSON.stringify(text)}`, () => {
          const r = triage.assess(text);
          if (r.level === null) stats.tn++;
          else stats.fp++;
          assert.equal(r.level, null, `fired ${r.matches.map((m) => `${m.ruleId}("${m.phrase}")`).join(', ')}`);
        });
      }
    }
  });
}

describe('corpus figures', () => {
  it('precision and recall over the whole corpus', () => {
    const total = Object.values(corpus).reduce((n, c) => n + c.length, 0);
    assert.equal(stats.tp + stats.fn + stats.fp + stats.tn, total, 'every case ran');
    const precision = stats.tp / Math.max(1, stats.tp + stats.fp);
    const recall = stats.tp / Math.max(1, stats.tp + stats.fn);
    console.log(
      `# triage corpus: ${total} cases, ${stats.tp + stats.fn} positives, ${stats.fp + stats.tn} negatives; ` +
        `precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`,
    );
    assert.ok(precision >= 0.95 && recall >= 0.95);
  });
});

describe('language detection', () => {
  const detect = createDetector(languagePacks);
  const top = (text: string, hint?: TriageLanguageCode) => detect(text, hint).ranked[0]!.code;
  it('ranks the language of an everyday message first', () => {
    assert.equal(top('I have had a headache since this morning'), 'en');
    assert.equal(top('Ich habe seit heute Morgen Kopfschmerzen'), 'de');
    assert.equal(top("J'ai mal à la tête depuis ce matin"), 'fr');
    assert.equal(top('Me duele la cabeza desde esta mañana'), 'es');
  });
  it('the hint decides when the text says nothing, and the text wins over the hint', () => {
    assert.equal(top('Atemnot', 'de'), 'de');
    assert.equal(top('ok', 'fr'), 'fr');
    assert.equal(top('I have a mild cough and it is getting better', 'de'), 'en');
  });
  it('a text with no cue words runs every pack: a short red flag fires whatever the hint', () => {
    assert.deepEqual(detect('Luftnot!!', 'en').candidates.sort(), ['de', 'en', 'es', 'fr']);
    const r = triage.assess('Brustschmerzen!!!', { language: 'en' });
    assert.equal(r.level, 'emergency');
    assert.equal(r.language, 'de');
    const s = triage.assess('dolor de pecho', { language: 'fr' });
    assert.equal(s.language, 'es');
  });
  it('the card language tag maps to a pack, or to none', () => {
    assert.equal(languageOfTag('de-AT'), 'de');
    assert.equal(languageOfTag('FR'), 'fr');
    assert.equal(languageOfTag('es_MX'), 'es');
    assert.equal(languageOfTag('zh-Hant-TW'), undefined);
    assert.equal(languageOfTag(null), undefined);
  });
  it('a quiet message reports the detected language', () => {
    assert.equal(triage.assess('Wie viel Wasser soll ich trinken?').language, 'de');
    assert.equal(triage.assess('').language, 'en');
  });
});

describe('answers in other languages', () => {
  it('German emergency: German header, advice, footer and the configured number', () => {
    const r = createTriage({ emergencyNumber: '112' }).assess('Ich habe starke Brustschmerzen');
    assert.match(r.answer!, /^\*\*Das könnte ein medizinischer Notfall sein\. Rufen Sie jetzt 112 an\*\*/);
    assert.match(r.answer!, /Herzinfarkt/);
    assert.doesNotMatch(r.answer!, /\{emergencyNumber\}|\{crisisLine\}/);
  });
  it('crisis answers: the configured line, or each language’s generic one', () => {
    const fr = createTriage({ emergencyNumber: '15' }).assess('je veux me suicider');
    assert.match(fr.answer!, /^\*\*Vous n'avez pas à affronter cela seul·e\.\*\*/);
    assert.match(fr.answer!, /3114/);
    const es = createTriage({ emergencyNumber: '112', crisisLine: 'el 024' }).assess('quiero matarme');
    assert.match(es.answer!, /contacta con el 024/);
    assert.match(es.answer!, /llama ahora al 112/);
  });
  it('urgent in Spanish gets the Spanish urgent line', () => {
    const r = triage.assess('me desmayé esta mañana');
    assert.equal(r.level, 'urgent');
    assert.match(r.answer!, /^\*\*Busca atención médica hoy\.\*\*/);
  });
  it('stripTriageBlock removes the block in any language and keeps what follows', () => {
    for (const text of ['crushing chest pain', 'Brustschmerzen', 'douleur thoracique', 'dolor de pecho']) {
      const block = triage.assess(text).answer!;
      assert.equal(stripTriageBlock(`${block}\n\nRest and drink water.`), 'Rest and drink water.');
      assert.equal(stripTriageBlock(block), '');
    }
    assert.equal(stripTriageBlock('  no block here '), 'no block here');
    assert.equal(triageFooters.length, 4);
    assert.ok(triageFooters.includes(footer));
  });
  it('an 8000-character message in each language stays fast', () => {
    for (const [code, filler, flag] of [
      ['en', 'I feel fine today. ', 'crushing chest pain'],
      ['de', 'Mir geht es heute gut. ', 'starke Brustschmerzen'],
      ['fr', 'Je vais bien aujourd’hui. ', 'douleur thoracique'],
      ['es', 'Hoy me siento bien. ', 'dolor de pecho'],
    ] as const) {
      const big = filler.repeat(Math.ceil(8000 / filler.length)).slice(0, 8000 - flag.length - 2) + '. ' + flag;
      const t0 = performance.now();
      const r = triage.assess(big);
      assert.ok(performance.now() - t0 < 1000);
      assert.equal(r.level, 'emergency', code);
      assert.equal(r.language, code);
    }
  });
});
