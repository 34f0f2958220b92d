/**
 * `medichat eval` (`npm run eval -- …`): run the answer-quality eval against a registered model.
 *
 *   eval [--model NAME] [--suite quality,red-flag,medication] [--json out.json] [--limit N]
 *        [--concurrency N] [--max-tokens N]
 *
 * Opens nothing itself: main.ts hands it the configured storage's `models` collection. The model
 * is found by name (default: the registry's default model); an unknown name lists the available
 * ones. The pipeline is the app's own, built by the composition root (`buildEvalPipeline`: triage →
 * medication checker → knowledge-base grounding → AssistantService on a ModelManager → the checker
 * on the reply), decoding greedy (temperature 0) so scores are reproducible. Prints the score table and the failed checks;
 * `--json` writes the full report (every answer and check) for the fine-tune gate.
 *
 * Exit codes: 0 it ran (scores are information, not a verdict), 64 usage, 66 unknown or missing
 * model, 1 the model failed to load or a case failed to answer.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../config/config.js';
import type { EvalPipeline } from '../container.js';
import type { ModelDoc } from '../engines/storage/collections.js';
import type { Collection } from '../engines/storage/port.js';
import { formatCheckTable, formatFailures, formatScoreTable } from '../modules/eval/eval.report.js';
import { runEval } from '../modules/eval/eval.runner.js';
import { SUITES, type Suite } from '../modules/eval/eval.schema.js';
import { descriptorOf } from '../modules/models/model.service.js';

export interface EvalCommandDeps {
  config: Pick<Config, 'chat'>;
  models: Collection<ModelDoc>;
  /** The chat's pipeline with `parallel` sequences (the composition root's `buildEvalPipeline`). */
  pipeline: (parallel: number) => Promise<Pick<EvalPipeline, 'manager' | 'grounded' | 'answererFor' | 'close'>>;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

const USAGE = `usage: medichat eval [--model NAME] [--suite quality,red-flag,medication] [--json out.json] [--limit N]
                     [--concurrency N] [--max-tokens N]
  --model        a registered model's name (default: the default model)
  --suite        suites to run, comma-separated (default: all)
  --json         also write the full report (answers, checks) to this file
  --limit        at most N cases of each suite
  --concurrency  answers generated at once (default 1: reproducible)
  --max-tokens   reply token cap (default: MAX_REPLY_TOKENS)`;

const LOCAL = new Set<ModelDoc['engine']>(['llama-cpp', 'transformers']);

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} must be a positive whole number`);
  return Number(v);
}

class UsageError extends Error {}

export async function evalCommand(argv: string[], deps: EvalCommandDeps): Promise<number> {
  const out = deps.stdout ?? process.stdout;
  const err = deps.stderr ?? process.stderr;
  let opts: { model?: string; suites: Suite[]; json?: string; limit?: number; concurrency: number; maxTokens: number };
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        suite: { type: 'string' },
        json: { type: 'string' },
        limit: { type: 'string' },
        concurrency: { type: 'string' },
        'max-tokens': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      out.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const suites = (values.suite ?? SUITES.join(','))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = suites.filter((s) => !(SUITES as readonly string[]).includes(s));
    if (unknown.length || suites.length === 0)
      throw new UsageError(`unknown suite ${JSON.stringify(unknown[0] ?? '')}; suites: ${SUITES.join(', ')}`);
    opts = {
      ...(values.model ? { model: values.model } : {}),
      suites: [...new Set(suites)] as Suite[],
      ...(values.json ? { json: values.json } : {}),
      ...(values.limit !== undefined ? { limit: positiveInt(values.limit, 'limit') } : {}),
      concurrency: positiveInt(values.concurrency, 'concurrency') ?? 1,
      maxTokens: positiveInt(values['max-tokens'], 'max-tokens') ?? deps.config.chat.maxReplyTokens,
    };
  } catch (e) {
    err.write(`medichat eval: ${(e as Error).message}\n${USAGE}\n`);
    return 64;
  }

  const model = opts.model
    ? await deps.models.findOne({ name: opts.model })
    : await deps.models.findOne({ isDefault: true }, { sort: [['updatedAt', -1]] });
  if (!model || model.status !== 'available') {
    const names = (await deps.models.find({ status: 'available' }, { sort: [['name', 1]] })).map((m) => m.name);
    const what = opts.model ? `no available model named ${JSON.stringify(opts.model)}` : 'no default model';
    err.write(
      `medichat eval: ${what}; available: ${names.length ? names.join(', ') : '(none: npm run medichat -- models ensure-default)'}\n`,
    );
    return 66;
  }
  if (LOCAL.has(model.engine) && !existsSync(model.path)) {
    err.write(`medichat eval: model ${model.name} is registered but its files are missing: ${model.path}\n`);
    return 66;
  }

  const pipeline = await deps.pipeline(Math.max(1, opts.concurrency));
  const { manager } = pipeline;
  try {
    try {
      const t0 = performance.now();
      const lease = await manager.acquire(descriptorOf(model));
      lease.release();
      err.write(`loaded ${model.name} (${model.engine}) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    } catch (e) {
      err.write(`medichat eval: cannot load ${model.name}: ${(e as Error).message}\n`);
      return 1;
    }
    const answerer = pipeline.answererFor(model, { maxTokens: opts.maxTokens });
    if (!pipeline.grounded)
      err.write('note: no embedding model, so replies are not grounded (medichat models ensure-embedding)\n');
    const report = await runEval({
      answerer,
      suites: opts.suites,
      ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
      concurrency: opts.concurrency,
      model: model.name,
      onCase: (r, done, total) =>
        err.write(
          `[${done}/${total}] ${r.passed ? '✓' : '✗'} ${r.suite}/${r.id} ${(r.score * 100).toFixed(0)}%` +
            (r.answer ? ` (${r.answer.tokens} tokens, ${(r.answer.ms / 1000).toFixed(1)} s)` : '') +
            (r.error ? ` error: ${r.error}` : '') +
            '\n',
        ),
    });
    out.write(
      `\nmodel ${model.name} (${model.engine}), max ${opts.maxTokens} tokens, greedy, ${(report.ms / 1000).toFixed(1)} s\n\n`,
    );
    out.write(
      `${formatScoreTable(report)}\n\n${formatCheckTable(report)}\n\nfailed checks:\n${formatFailures(report)}\n`,
    );
    if (opts.json) {
      await writeFile(opts.json, `${JSON.stringify(report, null, 2)}\n`);
      out.write(`\nreport written to ${opts.json}\n`);
    }
    return report.suites.some((s) => s.errors > 0) ? 1 : 0;
  } finally {
    await pipeline.close();
  }
}
