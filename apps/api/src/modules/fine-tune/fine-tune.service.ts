/**
 * Fine-tuning as a background job (issue 9, docs/fine-tune.md). A fine-tune is a model in the
 * registry from the moment it is asked for: `start` checks the upload, stores the dataset (0600,
 * under DATA_DIR/fine-tune/<id>/), inserts the model (kind `fine-tuned`, status `training`, its
 * job's progress in `job`) and enqueues the `fine-tune` job (job key = the model id: idempotent).
 *
 * `run` is the job's body (the worker process with BullMQ, the API in-process otherwise): it runs
 * the trainer, folds its JSON lines into the model document (written at most every
 * WRITE_INTERVAL_MS, state changes at once), exports the GGUF, loads it in a child process, runs
 * the activation gate (fine-tune.gate.ts) and registers the checkpoint (engine llama-cpp, path,
 * sha256, size, base, metrics). Cancel aborts the job's signal, which SIGTERMs the trainer.
 *
 * A job never stays `running` after its process died: `recover` (at boot of the API and of every
 * worker) fails, retryable, every unfinished fine-tune whose queue job is gone or ended, and
 * watches the queue's failed events; a job that starts again after its worker was killed (BullMQ's
 * stalled check) finds its document already past `queued` and fails itself, retryable.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import {
  FINE_TUNE_MIN_EXAMPLES,
  ProblemType,
  type FineTuneJobState,
  type FineTuneParams,
  type FineTuneRequest,
  type Gate,
  type ModelJobAccepted,
  type ModelStatusView,
} from '@medichat/shared';
import type { Config } from '../../config/config.js';
import type { ModelDoc } from '../../engines/storage/collections.js';
import { ConflictError } from '../../engines/storage/errors.js';
import { UnrecoverableJobError, type JobContext, type JobLogger, type QueuePort } from '../../engines/queue/index.js';
import { AppError, notFound } from '../../lib/errors.js';
import { runEval, type Answerer, type EvalReport } from '../eval/index.js';
import { presentPullStatus } from '../models/model.service.js';
import { checkDataset } from './fine-tune.dataset.js';
import { decideGate, heldoutBeatsBase } from './fine-tune.gate.js';
import { loadCheck, runTrainer } from './fine-tune.process.js';
import { applyLine, isTerminal, type FineTuneStatus } from './fine-tune.progress.js';

export const FINE_TUNE_JOB = 'fine-tune';
/** The model document is written at most this often while training (state changes: at once). */
export const WRITE_INTERVAL_MS = 500;

/** What the service needs of the model registry (ModelRepository). */
export interface FineTuneModels {
  list(): Promise<ModelDoc[]>;
  get(id: string): Promise<ModelDoc | null>;
  findByName(name: string): Promise<ModelDoc | null>;
  insert(doc: ModelDoc): Promise<ModelDoc>;
  update(id: string, set: Partial<Omit<ModelDoc, 'id'>>): Promise<ModelDoc | null>;
}

/** The eval pipeline the gate runs base and candidate through (container's buildEvalPipeline). */
export interface GateEvaluator {
  answererFor(model: ModelDoc, opts: { maxTokens: number }): Answerer;
  close(): Promise<void>;
}

/** FINE_TUNE_* / TRAINER_* / GGUF_CONVERT of config/config.ts, and DATA_DIR (datasets and runs live there). */
export type FineTuneConfig = Config['fineTune'] & { dataDir: string };

/** The fine-tune job's state, kept in the model document's `job` field (JSON: no Dates). */
export interface FineTuneJobDoc {
  kind: 'fine-tune';
  /** The queue job running it (`fine-tune:<model id>`, `….r2` after a retry). */
  queueJobId: string;
  runs: number;
  state: FineTuneJobState;
  step: number;
  total: number;
  loss: Array<{ step: number; value: number }>;
  evalLoss: Array<{ step: number; value: number }>;
  baseEvalLoss: number | null;
  etaSeconds: number | null;
  tokensPerSecond: number | null;
  error: string | null;
  retryable: boolean;
  events: Array<{ at: string; event: string; detail?: string }>;
  params: FineTuneParams;
  gate: Gate | null;
  examples: number;
  dataset: string;
  workDir: string;
}

export interface FineTuneResult {
  state: FineTuneJobState;
  gate?: Gate['verdict'];
}

const jobOf = (doc: ModelDoc): FineTuneJobDoc | null => {
  const j = doc.job as Partial<FineTuneJobDoc> | null | undefined;
  return j && j.kind === 'fine-tune' ? (j as FineTuneJobDoc) : null;
};

const unprocessable = (detail: string, errors: Array<{ path: string; message: string; line?: number }>) =>
  new AppError(ProblemType.unprocessable, 422, detail, { errors });

export class FineTuneService {
  private unwatch: (() => void) | null = null;

  constructor(
    private readonly deps: {
      models: FineTuneModels;
      /** The queue (the API's is opened before the services; asked for at call time). */
      queue: () => QueuePort | undefined;
      config: FineTuneConfig;
      /** Builds the eval pipeline for one gate (loads models; closed after). */
      gateEvaluator: () => Promise<GateEvaluator>;
      now: () => Date;
      log?: JobLogger;
    },
  ) {}

  private get queue(): QueuePort {
    const q = this.deps.queue();
    if (!q) throw new AppError(ProblemType.serviceUnavailable, 503, 'The job queue is not available.');
    return q;
  }

  // ------------------------------------------------------------------ HTTP side

  /** `POST /api/models/fine-tune`: check everything first; nothing is stored on a 4xx. */
  async start(input: FineTuneRequest, dataset: Buffer): Promise<ModelJobAccepted> {
    const check = checkDataset(dataset.toString('utf8'));
    if (!check.ok) {
      throw unprocessable(
        `The dataset has ${check.errors.length} bad line(s).`,
        check.errors.map((e) => ({ path: `dataset.line.${e.line}`, line: e.line, message: e.message })),
      );
    }
    if (check.examples < FINE_TUNE_MIN_EXAMPLES) {
      throw unprocessable(`The dataset needs at least ${FINE_TUNE_MIN_EXAMPLES} examples.`, [
        { path: 'dataset', message: `${check.examples} example(s)` },
      ]);
    }
    const base = await this.deps.models.get(input.baseModelId);
    if (!base) throw notFound('No base model has that id.');
    if (base.engine !== 'llama-cpp' || base.status !== 'available') {
      throw unprocessable('The base must be an available local GGUF (llama-cpp) model.', [
        { path: 'baseModelId', message: `${base.name} is ${base.engine}, ${base.status}` },
      ]);
    }
    if (await this.deps.models.findByName(input.name)) throw nameTaken();
    const { name, baseModelId, ...params } = input;
    const id = uuidv7();
    const workDir = join(this.deps.config.dataDir, 'fine-tune', id);
    const file = join(workDir, 'dataset.jsonl');
    await mkdir(workDir, { recursive: true, mode: 0o700 });
    await writeFile(file, dataset, { mode: 0o600 });
    const now = this.deps.now();
    const job: FineTuneJobDoc = {
      ...freshJob(params),
      queueJobId: `${FINE_TUNE_JOB}:${id}`,
      runs: 1,
      examples: check.examples,
      dataset: file,
      workDir,
      events: [{ at: now.toISOString(), event: 'queued', detail: `${check.examples} examples` }],
    };
    let doc: ModelDoc;
    try {
      doc = await this.deps.models.insert({
        id,
        name,
        engine: 'llama-cpp',
        kind: 'fine-tuned',
        source: `fine-tune:${base.name}`,
        path: '',
        status: 'training',
        baseModelId,
        sizeBytes: null,
        sha256: null,
        job: job as unknown as Record<string, unknown>,
        metrics: null,
        isDefault: false,
        createdAt: now,
        updatedAt: now,
      });
    } catch (err) {
      await rm(workDir, { recursive: true, force: true });
      if (err instanceof ConflictError) throw nameTaken();
      throw err;
    }
    const ref = await this.enqueue(doc, job);
    return { modelId: id, jobId: ref, status: presentStatus(doc) };
  }

  private async enqueue(doc: ModelDoc, job: FineTuneJobDoc): Promise<string> {
    const key = job.queueJobId.slice(FINE_TUNE_JOB.length + 1);
    try {
      const ref = await this.queue.enqueue(FINE_TUNE_JOB, { modelId: doc.id }, { jobId: key });
      return ref.id;
    } catch (err) {
      await this.finish(doc.id, { state: 'failed', error: `could not queue the job: ${(err as Error).message}` });
      throw err;
    }
  }

  /** `GET /api/models/:id/status`: one document read, nothing else. */
  async status(id: string): Promise<ModelStatusView> {
    const doc = await this.deps.models.get(id);
    if (!doc) throw notFound('No model has that id.');
    return presentStatus(doc, this.deps.now());
  }

  /** `POST /api/models/:id/cancel`: a queued job ends at once, a running one when its trainer has stopped. */
  async cancel(id: string): Promise<ModelStatusView> {
    const { doc, job } = await this.fineTune(id);
    if (isTerminal(job.state))
      throw new AppError(ProblemType.conflict, 409, `The job has already ended (${job.state}).`);
    const info = await this.queue.getJob(job.queueJobId);
    await this.queue.cancel(job.queueJobId);
    if (!info || info.state !== 'active') {
      return presentStatus((await this.finish(doc.id, { state: 'cancelled', error: null })) ?? doc);
    }
    this.deps.log?.info({ model: doc.name }, 'fine-tune: cancel asked of the running job');
    return presentStatus(doc);
  }

  /** `POST /api/models/:id/retry`: a failed or cancelled job runs again from the start. */
  async retry(id: string): Promise<ModelJobAccepted> {
    const { doc, job } = await this.fineTune(id);
    if (!(job.state === 'failed' || job.state === 'cancelled') || !job.retryable) {
      throw new AppError(
        ProblemType.conflict,
        409,
        `Only a failed or cancelled job can be retried (this one is ${job.state}).`,
      );
    }
    const runs = job.runs + 1;
    const next: FineTuneJobDoc = {
      ...freshJob(job.params),
      queueJobId: `${FINE_TUNE_JOB}:${doc.id}.r${runs}`,
      runs,
      examples: job.examples,
      dataset: job.dataset,
      workDir: job.workDir,
      events: [...job.events, { at: this.deps.now().toISOString(), event: 'retried', detail: `run ${runs}` }],
    };
    const updated = (await this.deps.models.update(doc.id, {
      status: 'training',
      job: next as unknown as Record<string, unknown>,
      updatedAt: this.deps.now(),
    }))!;
    const ref = await this.enqueue(updated, next);
    return { modelId: doc.id, jobId: ref, status: presentStatus(updated) };
  }

  private async fineTune(id: string): Promise<{ doc: ModelDoc; job: FineTuneJobDoc }> {
    const doc = await this.deps.models.get(id);
    const job = doc ? jobOf(doc) : null;
    if (!doc || !job) throw notFound('No fine-tune has that id.');
    return { doc, job };
  }

  // ------------------------------------------------------------------ crash recovery

  /**
   * Boot of the API and of each worker: every unfinished fine-tune whose queue job is gone or has
   * ended is failed, retryable (its process died: an in-process queue loses its jobs, a BullMQ job
   * that stalled too often is failed by BullMQ). Then watch the queue for such failures.
   */
  async recover(): Promise<number> {
    const q = this.deps.queue();
    if (!q) return 0;
    if (!this.unwatch) {
      this.unwatch = await q.subscribe((e) => {
        if (e.name !== FINE_TUNE_JOB || e.type !== 'state' || (e.state !== 'failed' && e.state !== 'cancelled')) return;
        this.onQueueEnded(e.id, e.state, e.failedReason).catch((err: unknown) =>
          this.deps.log?.warn({ err, job: e.id }, 'fine-tune: could not record the end of a job'),
        );
      });
    }
    let n = 0;
    for (const doc of await this.deps.models.list()) {
      const job = jobOf(doc);
      if (!job || isTerminal(job.state)) continue;
      const info = await q.getJob(job.queueJobId);
      if (info && (info.state === 'waiting' || info.state === 'delayed' || info.state === 'active')) continue;
      await this.finish(doc.id, {
        state: 'failed',
        error: `the job was lost at step ${job.step} (the process running it stopped); retry it`,
      });
      n++;
    }
    if (n > 0)
      this.deps.log?.warn({ count: n }, 'fine-tune: jobs left unfinished by a stopped process are failed (retryable)');
    return n;
  }

  private async onQueueEnded(queueJobId: string, state: 'failed' | 'cancelled', reason?: string): Promise<void> {
    const modelId = queueJobId.slice(FINE_TUNE_JOB.length + 1).split('.')[0]!;
    const doc = await this.deps.models.get(modelId);
    const job = doc ? jobOf(doc) : null;
    if (!doc || !job || job.queueJobId !== queueJobId || isTerminal(job.state)) return;
    await this.finish(
      modelId,
      state === 'cancelled' ? { state, error: null } : { state, error: reason ?? 'the job failed' },
    );
  }

  stop(): void {
    this.unwatch?.();
    this.unwatch = null;
  }

  /** Terminal state of a job that did not register (failed or cancelled: both retryable). */
  private async finish(
    id: string,
    end: { state: 'failed' | 'cancelled'; error: string | null },
  ): Promise<ModelDoc | null> {
    const doc = await this.deps.models.get(id);
    const job = doc ? jobOf(doc) : null;
    if (!doc || !job) return null;
    const at = this.deps.now();
    const next: FineTuneJobDoc = {
      ...job,
      state: end.state,
      error: end.error,
      retryable: true,
      etaSeconds: null,
      events: [...job.events, { at: at.toISOString(), event: end.state, ...(end.error ? { detail: end.error } : {}) }],
    };
    return this.deps.models.update(id, {
      status: 'failed',
      job: next as unknown as Record<string, unknown>,
      updatedAt: at,
    });
  }

  // ------------------------------------------------------------------ the job

  async run(data: { modelId: string }, ctx: JobContext): Promise<FineTuneResult> {
    const doc = await this.deps.models.get(data.modelId);
    const job = doc ? jobOf(doc) : null;
    if (!doc || !job) throw new UnrecoverableJobError(`no fine-tune ${data.modelId}`);
    if (job.queueJobId !== ctx.jobId) throw new UnrecoverableJobError('superseded by a retry');
    if (isTerminal(job.state)) return { state: job.state };
    if (job.state !== 'queued') {
      // This queue job already started once: its worker died (BullMQ put it back after the lock lapsed).
      const error = `the worker running this job stopped (crashed or killed) at step ${job.step}; retry it`;
      await this.finish(doc.id, { state: 'failed', error });
      throw new UnrecoverableJobError(error);
    }
    const base = doc.baseModelId ? await this.deps.models.get(doc.baseModelId) : null;
    if (!base) {
      await this.finish(doc.id, { state: 'failed', error: 'the base model is gone' });
      throw new UnrecoverableJobError('the base model is gone');
    }
    const writer = new JobWriter(this.deps.models, doc.id, job, this.deps.now, ctx);
    try {
      return await this.train(doc, base, job, writer, ctx);
    } catch (err) {
      await writer.flush();
      if (ctx.signal.aborted) {
        await this.finish(doc.id, { state: 'cancelled', error: null });
        throw new Error('cancelled', { cause: err });
      }
      const message = err instanceof Error ? err.message : String(err);
      await this.finish(doc.id, { state: 'failed', error: message });
      throw new UnrecoverableJobError(message, { cause: err });
    }
  }

  private async train(
    doc: ModelDoc,
    base: ModelDoc,
    job: FineTuneJobDoc,
    writer: JobWriter,
    ctx: JobContext,
  ): Promise<FineTuneResult> {
    const cfg = this.deps.config;
    const out = join(job.workDir, `run-${job.runs}`);
    await rm(out, { recursive: true, force: true });
    await writer.event('validating');
    const p = job.params;
    let done: { gguf?: string; eval_loss?: number; base_eval_loss?: number } | null = null;
    const run = await runTrainer({
      python: cfg.python,
      trainerDir: cfg.trainerDir,
      signal: ctx.signal,
      args: [
        'train',
        '--base',
        base.path,
        '--data',
        job.dataset,
        '--out',
        out,
        '--steps',
        String(p.steps),
        '--batch-size',
        String(p.batchSize),
        '--lr',
        String(p.learningRate),
        '--rank',
        String(p.rank),
        '--eval-every',
        String(p.evalEvery),
        '--max-len',
        String(p.maxLength),
        '--heldout',
        String(p.heldout),
        '--device',
        cfg.device,
        '--gguf-convert',
        cfg.ggufConvert,
      ],
      onLine: (line) => {
        if (line.includes('"done"')) {
          try {
            const rec = JSON.parse(line) as { event?: string };
            if (rec.event === 'done') done = rec as typeof done;
          } catch {
            // library noise on stdout
          }
        }
        writer.line(line);
      },
    });
    await writer.flush();
    if (ctx.signal.aborted) throw new Error('cancelled');
    const folded = writer.current;
    if (folded.state === 'failed') throw new Error(folded.error ?? 'the trainer failed');
    const finished = done as { gguf?: string; eval_loss?: number; base_eval_loss?: number } | null;
    if (run.code !== 0 || !finished?.gguf) {
      throw new Error(
        `the trainer exited ${run.signal ?? run.code} without a GGUF${run.stderrTail ? `: ${lastLine(run.stderrTail)}` : ''}`,
      );
    }
    const gguf = finished.gguf;
    const baseEvalLoss = finished.base_eval_loss ?? folded.baseEvalLoss;
    const evalLoss = finished.eval_loss ?? folded.evalLoss.at(-1)?.value ?? null;

    await writer.event('load-check');
    const lc = await loadCheck(gguf, { signal: ctx.signal });
    await writer.event('loaded', `${lc.tokens} tokens in ${lc.ms} ms in a child process`);
    const [sha256, size] = await Promise.all([sha256Of(gguf), stat(gguf).then((s) => s.size)]);
    const candidate: ModelDoc = {
      ...doc,
      engine: 'llama-cpp',
      path: gguf,
      status: 'available',
      sha256,
      sizeBytes: size,
    };

    let reports: { base: EvalReport; candidate: EvalReport } | null = null;
    if (heldoutBeatsBase(baseEvalLoss ?? null, evalLoss)) {
      await writer.event('gate', `eval: ${cfg.gateCases} case(s) per suite, base and candidate`);
      reports = await this.evalBoth(base, candidate, ctx.signal);
    }
    const gate = decideGate({ baseEvalLoss: baseEvalLoss ?? null, evalLoss, reports, now: this.deps.now() });
    await writer.complete(
      {
        engine: 'llama-cpp',
        path: gguf,
        status: 'available',
        sha256,
        sizeBytes: size,
        metrics: {
          ...(baseEvalLoss !== null && baseEvalLoss !== undefined ? { baseEvalLoss } : {}),
          ...(evalLoss !== null ? { evalLoss } : {}),
        },
      },
      gate,
    );
    // The merged safetensors and the dequantised base are large and no longer needed.
    await Promise.all([
      rm(join(out, 'merged'), { recursive: true, force: true }),
      rm(join(out, 'base-hf'), { recursive: true, force: true }),
    ]);
    this.deps.log?.info({ model: doc.name, gate: gate.verdict, baseEvalLoss, evalLoss }, 'fine-tune: registered');
    return { state: 'succeeded', gate: gate.verdict };
  }

  private async evalBoth(
    base: ModelDoc,
    candidate: ModelDoc,
    signal: AbortSignal,
  ): Promise<{ base: EvalReport; candidate: EvalReport }> {
    const cfg = this.deps.config;
    const pipeline = await this.deps.gateEvaluator();
    try {
      const one = async (m: ModelDoc) => {
        if (signal.aborted) throw new Error('cancelled');
        return runEval({
          answerer: pipeline.answererFor(m, { maxTokens: cfg.gateMaxTokens }),
          limit: cfg.gateCases,
          concurrency: 1,
          model: m.name,
        });
      };
      const b = await one(base);
      const c = await one(candidate);
      return { base: b, candidate: c };
    } finally {
      await pipeline.close();
    }
  }
}

const nameTaken = () => new AppError(ProblemType.conflict, 409, 'A model with that name already exists.');

function freshJob(
  params: FineTuneParams,
): Omit<FineTuneJobDoc, 'queueJobId' | 'runs' | 'examples' | 'dataset' | 'workDir'> {
  return {
    kind: 'fine-tune',
    state: 'queued',
    step: 0,
    total: params.steps,
    loss: [],
    evalLoss: [],
    baseEvalLoss: null,
    etaSeconds: null,
    tokensPerSecond: null,
    error: null,
    retryable: false,
    events: [],
    params,
    gate: null,
  };
}

const lastLine = (s: string) => s.trim().split('\n').pop() ?? '';

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/**
 * Folds trainer lines into the job document: state changes and events are written at once, the
 * step series at most every WRITE_INTERVAL_MS (and by `flush`). Writes are serialised.
 */
class JobWriter {
  current: FineTuneStatus;
  private job: FineTuneJobDoc;
  private lastWrite = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly models: FineTuneModels,
    private readonly id: string,
    job: FineTuneJobDoc,
    private readonly now: () => Date,
    private readonly ctx: JobContext,
  ) {
    this.job = job;
    this.current = {
      state: job.state,
      step: job.step,
      total: job.total,
      loss: job.loss,
      evalLoss: job.evalLoss,
      baseEvalLoss: job.baseEvalLoss,
      etaSeconds: job.etaSeconds,
      tokensPerSecond: job.tokensPerSecond,
      error: job.error,
      events: [],
    };
  }

  line(line: string): void {
    const before = this.current;
    const next = applyLine(before, line);
    if (next === before) return;
    this.current = next;
    const newEvents = next.events
      .slice(before.events.length)
      .map((e) => ({ at: this.now().toISOString(), event: e.event }));
    this.job = {
      ...this.job,
      // Terminal states are written by the job's end (finish/complete), with retryable set.
      state: isTerminal(next.state) ? this.job.state : next.state,
      step: next.step,
      total: next.total || this.job.total,
      loss: next.loss,
      evalLoss: next.evalLoss,
      baseEvalLoss: next.baseEvalLoss,
      etaSeconds: next.etaSeconds,
      tokensPerSecond: next.tokensPerSecond,
      error: next.error,
      events: [...this.job.events, ...newEvents],
    };
    if (next.state !== before.state || newEvents.length > 0) this.write();
    else this.schedule();
  }

  async event(event: string, detail?: string): Promise<void> {
    this.job = {
      ...this.job,
      state:
        event === 'validating'
          ? 'validating'
          : event === 'load-check' || event === 'gate'
            ? 'evaluating'
            : this.job.state,
      events: [...this.job.events, { at: this.now().toISOString(), event, ...(detail ? { detail } : {}) }],
    };
    this.current = { ...this.current, state: this.job.state };
    this.write();
    await this.chain;
  }

  async complete(fields: Partial<ModelDoc>, gate: Gate): Promise<void> {
    this.job = {
      ...this.job,
      state: 'succeeded',
      etaSeconds: 0,
      gate,
      retryable: false,
      events: [...this.job.events, { at: this.now().toISOString(), event: 'gate', detail: gate.verdict }],
    };
    const job = this.job;
    this.chain = this.chain.then(() =>
      this.models.update(this.id, { ...fields, job: job as unknown as Record<string, unknown>, updatedAt: this.now() }),
    );
    await this.chain;
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.write();
    }
    await this.chain;
  }

  private schedule(): void {
    const wait = WRITE_INTERVAL_MS - (Date.now() - this.lastWrite);
    if (wait <= 0) return this.write();
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.write();
      }, wait);
      this.timer.unref();
    }
  }

  private write(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.lastWrite = Date.now();
    const job = this.job;
    this.chain = this.chain
      .then(async () => {
        await this.models.update(this.id, { job: job as unknown as Record<string, unknown>, updatedAt: this.now() });
        await this.ctx.progress({
          state: job.state,
          step: job.step,
          total: job.total,
          loss: job.loss.at(-1)?.value ?? null,
        });
      })
      .catch(() => undefined);
  }
}

/** `GET /api/models/:id/status` of any model: a fine-tune's job, a pull's progress, or a registered model. */
export function presentStatus(doc: ModelDoc, now: Date = new Date()): ModelStatusView {
  const job = jobOf(doc);
  const common = {
    modelId: doc.id,
    name: doc.name,
    baseModelId: doc.baseModelId ?? null,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
  if (job) {
    return {
      ...common,
      kind: 'fine-tune',
      state: job.state,
      step: job.step ?? 0,
      total: job.total ?? 0,
      loss: job.loss ?? [],
      evalLoss: job.evalLoss ?? [],
      baseEvalLoss: job.baseEvalLoss ?? null,
      etaSeconds: job.etaSeconds ?? null,
      tokensPerSecond: job.tokensPerSecond ?? null,
      error: job.error ?? null,
      retryable: Boolean(job.retryable) && (job.state === 'failed' || job.state === 'cancelled'),
      events: job.events ?? [],
      gate: job.gate ?? null,
      params: job.params ?? null,
    };
  }
  // A pull: the models module's own view (byte progress as step/total, its ETA).
  if (doc.status === 'pulling' || (doc.job as { kind?: unknown } | null | undefined)?.kind === 'pull')
    return presentPullStatus(doc, now);
  // A model registered as is: nothing runs.
  const state: FineTuneJobState =
    doc.status === 'training' ? 'running' : doc.status === 'failed' ? 'failed' : 'succeeded';
  return {
    ...common,
    kind: 'registered',
    state,
    step: 0,
    total: 0,
    loss: [],
    evalLoss: [],
    baseEvalLoss: null,
    etaSeconds: null,
    tokensPerSecond: null,
    error: null,
    retryable: false,
    events: [],
    gate: null,
    params: null,
  };
}
