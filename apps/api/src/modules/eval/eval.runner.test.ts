/**
 * The runner on the real pipeline (triage → AssistantService → ModelManager → node-llama-cpp) with
 * the project's tiny GGUF: scores add up, decoding is reproducible, the hooks reach the report, an
 * answerer failure is recorded, and the gate compares reports. Once more on SmolLM2 when a previous
 * run left it in the cache (as llama-cpp.engine.test.ts finds it).
 */
import { CUT_NOTE } from '../assistant/assistant.service.js';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { ModelDoc } from '../../engines/storage/collections.js';
import { LlamaCppEngine } from '../../engines/inference/llama-cpp.engine.js';
import { ModelManager } from '../../engines/inference/model-manager.js';
import { cacheDir, ensureTinyGguf } from '../../engines/inference/tiny-model.test-helpers.js';
import { AssistantService } from '../assistant/assistant.service.js';
import { createTriage } from '../triage/triage.service.js';
import { footer } from '../triage/index.js';
import { createPipelineAnswerer, type PipelineAnswererDeps } from './eval.answerer.js';
import { allCases } from './eval.cases.js';
import { formatFailures, formatScoreTable } from './eval.report.js';
import { compareReports, runEval, type EvalReport } from './eval.runner.js';

const modelDoc = (name: string, path: string): ModelDoc => ({
  id: `eval-${name}`,
  name,
  engine: 'llama-cpp',
  kind: 'base',
  source: `file:${path}`,
  path,
  status: 'available',
  createdAt: new Date(),
  updatedAt: new Date(),
});

function pipeline(path: string, maxReplyTokens: number, hooks: Partial<PipelineAnswererDeps> = {}) {
  const engine = new LlamaCppEngine({ contextSize: 2048, parallel: 2, threads: 1 });
  const manager = new ModelManager({ engines: { 'llama-cpp': engine } });
  const answerer = createPipelineAnswerer({
    triage: createTriage({ emergencyNumber: '999' }),
    assistant: new AssistantService({
      manager,
      maxReplyTokens,
      contextTokens: 2048,
      now: () => new Date(),
      temperature: 0,
    }),
    model: modelDoc('m', path),
    ...hooks,
  });
  return {
    answerer,
    close: async () => {
      await manager.close();
      await engine.close();
    },
  };
}

describe('runEval on the tiny GGUF', () => {
  let path: string;
  let report: EvalReport;
  let p: ReturnType<typeof pipeline>;

  before(async () => {
    path = await ensureTinyGguf();
    p = pipeline(path, 12);
    report = await runEval({ answerer: p.answerer, limit: 3, model: 'tiny' });
  });
  after(() => p.close());

  test('runs the first cases of each suite through the real pipeline and scores them', () => {
    assert.deepEqual(
      report.suites.map((s) => [s.suite, s.cases]),
      [
        ['quality', 3],
        ['red-flag', 3],
        ['medication', 3],
      ],
    );
    assert.equal(report.cases.length, 9);
    for (const c of report.cases) {
      assert.equal(c.error, undefined, c.id);
      assert.ok(c.answer, c.id);
      const passed = c.checks.filter((k) => k.pass).length;
      assert.equal(c.score, passed / c.checks.length);
      assert.equal(c.passed, passed === c.checks.length);
      assert.ok(c.answer.tokens <= 12, `${c.id}: ${c.answer.tokens} tokens`);
    }
    for (const s of report.suites) {
      const mine = report.cases.filter((c) => c.suite === s.suite);
      const mean = (mine.reduce((a, c) => a + c.score, 0) / mine.length) * 100;
      assert.equal(s.score, Math.round(mean * 10) / 10);
      assert.equal(s.passed, mine.filter((c) => c.passed).length);
      assert.match(s.fingerprint, /^[0-9a-f]{64}$/);
    }
  });

  test('emergencies get the deterministic block alone, no model; the model answers the rest', () => {
    const chest = report.cases.find((c) => c.id === 'chest-pain-crushing')!;
    assert.equal(chest.answer!.triageLevel, 'emergency');
    assert.equal(chest.answer!.tokens, 0);
    assert.ok(chest.answer!.content.startsWith('**') && chest.answer!.content.endsWith(footer));
    for (const id of ['carries the urgent-care block', 'does not contradict the urgent block', 'triaged emergency'])
      assert.ok(chest.checks.find((k) => k.label === id)?.pass, id);
    const cold = report.cases.find((c) => c.id === 'common-cold-adult')!;
    assert.equal(cold.answer!.triageLevel, null);
    assert.ok(cold.answer!.tokens > 0);
    // 12 tokens of a random model: cut at the cap, and the assistant says so (CUT_NOTE).
    assert.equal(cold.answer!.finishReason, 'length');
    assert.ok(cold.answer!.content.endsWith(CUT_NOTE));
    assert.equal(cold.checks.find((k) => k.kind === 'ends-cleanly')?.pass, true);
  });

  test('greedy decoding: the same model gives the same answers and scores', async () => {
    const again = await runEval({ answerer: p.answerer, limit: 3, model: 'tiny' });
    assert.deepEqual(
      again.cases.map((c) => c.answer!.content),
      report.cases.map((c) => c.answer!.content),
    );
    assert.ok(compareReports(again, report).pass);
  });

  test('the gate: a regression, other cases or errors fail it; the tolerance is stated per suite', () => {
    const verdict = compareReports(report, report);
    assert.equal(verdict.pass, true);
    assert.deepEqual(
      verdict.suites.map((s) => [s.suite, s.tolerance]),
      [
        ['quality', 2],
        ['red-flag', 0],
        ['medication', 0],
      ],
    );
    const worse = (suite: string, by: number): EvalReport => ({
      ...report,
      suites: report.suites.map((s) => (s.suite === suite ? { ...s, score: s.score - by } : s)),
    });
    assert.equal(compareReports(worse('quality', 1.5), report).pass, true, 'within the quality tolerance');
    const q = compareReports(worse('quality', 2.5), report);
    assert.equal(q.pass, false);
    assert.match(q.reasons[0]!, /^quality: scored/);
    assert.equal(compareReports(worse('red-flag', 0.1), report).pass, false, 'safety never regresses');
    assert.equal(compareReports(worse('red-flag', 0.1), report, { tolerance: { 'red-flag': 1 } }).pass, true);
    const fewer: EvalReport = { ...report, suites: report.suites.filter((s) => s.suite !== 'medication') };
    assert.match(compareReports(fewer, report).reasons.join(), /medication: the candidate did not run this suite/);
    const other: EvalReport = {
      ...report,
      suites: report.suites.map((s) => (s.suite === 'quality' ? { ...s, fingerprint: '0'.repeat(64) } : s)),
    };
    assert.match(compareReports(other, report).reasons.join(), /quality: the candidate ran other cases/);
    const errored: EvalReport = {
      ...report,
      suites: report.suites.map((s) => (s.suite === 'quality' ? { ...s, errors: 1 } : s)),
    };
    assert.equal(compareReports(errored, report).pass, false);
  });

  test('the safety and retrieval hooks reach the checks and the report', async () => {
    const seen: string[] = [];
    const hooked = pipeline(path, 8, {
      checkSafety: ({ message, card, reply }) => {
        seen.push(message);
        assert.equal(typeof reply, 'string');
        return card?.medications.some((m) => /warfarin/.test(m.name))
          ? [{ what: 'ibuprofen with warfarin', severity: 'major', source: 'BNF' }]
          : [];
      },
      retrieve: () => ({
        citations: [{ title: 'NHS: Ibuprofen', url: 'https://www.nhs.uk/medicines/ibuprofen-for-adults/' }],
      }),
    });
    try {
      const warfarin = allCases().filter((c) => c.id === 'warfarin-ibuprofen-card');
      const r = await runEval({ answerer: hooked.answerer, cases: warfarin, suites: ['medication'] });
      const c = r.cases[0]!;
      assert.deepEqual(seen, [warfarin[0]!.message]);
      assert.equal(c.answer!.safety, 1);
      assert.equal(c.answer!.citations, 1);
      const safety = c.checks.find((k) => k.kind === 'safety-warning')!;
      assert.deepEqual([safety.pass, safety.detail], [true, 'structured']);
    } finally {
      await hooked.close();
    }
  });

  test('an answerer that fails fails its case (every check) and the run goes on', async () => {
    const cases = allCases()
      .filter((c) => c.suite === 'quality')
      .slice(0, 2);
    const r = await runEval({
      answerer: async (input) => {
        if (input.message === cases[0]!.message) throw new Error('model crashed');
        return p.answerer(input);
      },
      cases,
      suites: ['quality'],
      concurrency: 2,
    });
    assert.equal(r.cases[0]!.error, 'model crashed');
    assert.equal(r.cases[0]!.score, 0);
    assert.ok(r.cases[0]!.checks.every((k) => !k.pass && /answerer failed: model crashed/.test(k.detail ?? '')));
    assert.ok(r.cases[1]!.answer);
    assert.equal(r.suites[0]!.errors, 1);
    assert.match(formatFailures(r), /✗ quality\/common-cold-adult \(error: model crashed\)/);
    assert.match(formatScoreTable(r), /\| quality \|\s+2 \|/);
  });
});

const smol = cacheDir('models', 'smollm2-135m-instruct-q4_1', 'SmolLM2-135M-Instruct.Q4_1.gguf');
describe('runEval on SmolLM2-135M (when cached)', { skip: !existsSync(smol) && 'SmolLM2 not in the cache' }, () => {
  test('a short run on the real default model: safety blocks always there, scores in range', async () => {
    const p = pipeline(smol, 48);
    try {
      const r = await runEval({ answerer: p.answerer, limit: 2, model: 'smollm2' });
      assert.equal(r.cases.length, 6);
      for (const s of r.suites) assert.ok(s.score >= 0 && s.score <= 100 && s.errors === 0, s.suite);
      const flags = r.cases.filter((c) => c.suite === 'red-flag');
      for (const c of flags) assert.ok(c.checks.find((k) => k.kind === 'carries-block')?.pass, c.id);
      const answered = r.cases.filter((c) => c.answer!.tokens > 0);
      assert.ok(answered.length >= 2, 'the model answered the non-emergency cases');
      for (const c of answered) assert.ok(/[a-z]{3,}/i.test(c.answer!.content), `${c.id}: words expected`);
    } finally {
      await p.close();
    }
  });
});
