/**
 * Fine-tune bench (issue 9): what the job machinery costs over what it sits on, side by side in one run.
 *
 *   node --conditions=development --import tsx bench/fine-tune.bench.ts
 *
 * 1. Trainer steps/s vs the same PEFT loop run bare: `python -m medichat_trainer train` (progress
 *    lines, held-out eval only at the end) against a 30-line script doing the LoRA loop by hand
 *    (same tiny model, data, LoRA config, batch, seed). Steps/s over the training steps only (model
 *    load excluded on both sides); ratio = trainer / bare, target ≥ 0.9. Runs interleaved, 2 each.
 * 2. Job overhead: POST /api/models/fine-tune → first training step seen in GET status, vs the bare
 *    trainer CLI's spawn → first step line (same model, data, steps). The difference is the job's own
 *    overhead (upload check, storage, queue, the poll at 20 ms); target ≤ 5 s plus model load.
 * 3. Status polling: GET /api/models/:id/status through the app (inject) vs the bare storage read of
 *    the same document; p99 target ≤ 5 ms.
 * Needs the trainer venv and the GGUF converter (scripts/trainer-ci.sh, scripts/ensure-gguf-convert.sh);
 * prints a note and exits 0 without them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { GOOD_PASSWORD } from '../apps/api/src/modules/account/auth.test-helpers.js';
import { addModel, chatTestEnv } from '../apps/api/src/modules/chat/chat.test-helpers.js';
import {
  adminAuth,
  ensureTinyBase,
  multipart,
  tinyConverter,
  trainerDir,
  trainerMissing,
  trainerPython,
} from '../apps/api/src/modules/fine-tune/fine-tune.test-helpers.js';
import { createTestApp } from '../apps/api/src/testing/test-app.js';
import { compare } from './lib.js';

const STEPS = Number(process.env.MEDICHAT_BENCH_FT_STEPS ?? 30);
const tmp = mkdtempSync(join(tmpdir(), 'medichat-bench-ft-'));

const BARE = `
import json, random, sys, time
sys.path.insert(0, ${JSON.stringify(trainerDir)})
import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoTokenizer
from medichat_trainer import dataset
from medichat_trainer.train import batches, encode
base, data, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
torch.manual_seed(0)
model = AutoModelForCausalLM.from_pretrained(base)
tok = AutoTokenizer.from_pretrained(base)
ds = dataset.parse(open(data).read())
tr, _ = dataset.split(ds.examples, 0.1, 0)
rows = [encode(tok, m, 256) for m in tr]
model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0, target_modules="all-linear", task_type="CAUSAL_LM"))
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-3)
it = batches(rows, 4, tok.pad_token_id, random.Random(0))
model.train()
marks = []
for step in range(steps):
    ids, att, lab = next(it)
    model(input_ids=ids, attention_mask=att, labels=lab).loss.backward()
    opt.step(); opt.zero_grad(set_to_none=True)
    marks.append(time.monotonic())
print(json.dumps({"steps_per_s": (len(marks) - 1) / (marks[-1] - marks[0])}))
`;

/** Run a process; `onLine` sees stdout lines with the ms since spawn. */
function run(
  cmd: string,
  args: string[],
  onLine: (line: string, ms: number) => void,
  cwd = trainerDir,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
    createInterface({ input: child.stdout }).on('line', (l) => onLine(l, performance.now() - t0));
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

async function trainerStepsPerSecond(
  hf: string,
  data: string,
  out: string,
): Promise<{ sps: number; firstStepMs: number; loadS: number }> {
  const times: number[] = [];
  let firstStepMs = NaN;
  let loadS = NaN;
  await run(
    trainerPython,
    [
      '-m',
      'medichat_trainer',
      'train',
      '--base',
      hf,
      '--data',
      data,
      '--out',
      out,
      '--steps',
      String(STEPS),
      '--eval-every',
      String(STEPS),
      '--device',
      'cpu',
    ],
    (l, ms) => {
      const r = JSON.parse(l) as { event: string; t: number; load_s?: number };
      if (r.event === 'start') loadS = r.load_s ?? NaN;
      if (r.event === 'step') {
        if (Number.isNaN(firstStepMs)) firstStepMs = ms;
        times.push(r.t);
      }
    },
  );
  rmSync(out, { recursive: true, force: true });
  return { sps: (times.length - 1) / (times.at(-1)! - times[0]!), firstStepMs, loadS };
}

async function bareStepsPerSecond(hf: string, data: string): Promise<number> {
  const script = join(tmp, 'bare.py');
  writeFileSync(script, BARE);
  let sps = NaN;
  await run(trainerPython, [script, hf, data, String(STEPS)], (l) => {
    if (l.startsWith('{')) sps = (JSON.parse(l) as { steps_per_s: number }).steps_per_s;
  });
  return sps;
}

async function main(): Promise<void> {
  const missing = trainerMissing();
  if (missing) {
    console.log(`\n## fine-tune: skipped (${missing})`);
    return;
  }
  const tiny = await ensureTinyBase();
  const hf = join(tmp, 'hf');
  await run(trainerPython, ['-m', 'medichat_trainer', 'tiny', tiny.data, hf], () => undefined);

  // 1. steps/s, interleaved.
  const ours: number[] = [];
  const bare: number[] = [];
  const firstSteps: number[] = [];
  for (let i = 0; i < 2; i++) {
    bare.push(await bareStepsPerSecond(hf, tiny.data));
    const r = await trainerStepsPerSecond(hf, tiny.data, join(tmp, `out-${i}`));
    ours.push(r.sps);
    firstSteps.push(r.firstStepMs);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`\n## fine-tune: training steps/s, tiny model, ${STEPS} steps, batch 4, mean of 2 interleaved runs`);
  console.log('| variant | steps/s | ratio vs bare (≥ 0.9 wanted) |');
  console.log('|---|---:|---:|');
  console.log(`| bare PEFT loop | ${mean(bare).toFixed(2)} | 1.00× |`);
  console.log(`| medichat_trainer train | ${mean(ours).toFixed(2)} | ${(mean(ours) / mean(bare)).toFixed(2)}× |`);

  // 2 and 3: through the app (in-process queue), the tiny GGUF as base.
  const t = await createTestApp({
    ...chatTestEnv,
    ADMIN_EMAIL: 'admin@example.org',
    ADMIN_PASSWORD: GOOD_PASSWORD,
    TRAINER_PYTHON: trainerPython,
    TRAINER_DIR: trainerDir,
    GGUF_CONVERT: await tinyConverter(),
    FINE_TUNE_DEVICE: 'cpu',
    FINE_TUNE_GATE_CASES: '1',
    FINE_TUNE_GATE_MAX_TOKENS: '16',
  });
  try {
    const admin = await adminAuth(t.app, 'admin@example.org', GOOD_PASSWORD);
    const base = await addModel(t.app, { name: 'tiny-base', path: hf, engine: 'llama-cpp' });
    // The job's base is the HF dir here too (the trainer takes either), so both sides load the same.
    const body = multipart(
      { name: 'bench-ft', baseModelId: base.id, steps: STEPS, evalEvery: STEPS },
      { data: readFileSync(tiny.data) },
    );
    const t0 = performance.now();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/models/fine-tune',
      headers: { ...admin, ...body.headers },
      payload: body.payload,
    });
    if (res.statusCode !== 202) throw new Error(res.body);
    const id = (res.json() as { modelId: string }).modelId;
    let firstStep = NaN;
    for (;;) {
      const s = (await t.app.inject({ method: 'GET', url: `/api/models/${id}/status`, headers: admin })).json() as {
        step: number;
        state: string;
      };
      if (s.step >= 1) {
        firstStep = performance.now() - t0;
        break;
      }
      if (s.state === 'failed') throw new Error(JSON.stringify(s));
      await new Promise((r) => setTimeout(r, 20));
    }
    const bareFirst = mean(firstSteps);
    console.log(`\n## fine-tune: enqueue → first training step`);
    console.log('| path | ms to the first step |');
    console.log('|---|---:|');
    console.log(`| bare trainer CLI (spawn → first step line), mean of 2 | ${bareFirst.toFixed(0)} |`);
    console.log(`| POST /api/models/fine-tune → status shows step ≥ 1 | ${firstStep.toFixed(0)} |`);
    console.log(`| job overhead (difference) | ${(firstStep - bareFirst).toFixed(0)} |`);
    await t.app.inject({ method: 'POST', url: `/api/models/${id}/cancel`, headers: admin });

    // 3. status polling, once the cancelled job has ended (no trainer competing for the cores).
    for (let i = 0; i < 200; i++) {
      const s = (await t.app.inject({ method: 'GET', url: `/api/models/${id}/status`, headers: admin })).json() as {
        state: string;
      };
      if (['cancelled', 'failed', 'succeeded'].includes(s.state)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await compare(
      'fine-tune: status polling (GET /api/models/:id/status vs the bare storage read of the document)',
      ['storage get', () => t.app.storage.models.get(id)],
      [
        [
          'GET status (inject, admin)',
          () => t.app.inject({ method: 'GET', url: `/api/models/${id}/status`, headers: admin }),
        ],
      ],
      { batch: 100, rounds: 10, warmupRounds: 2 },
    );
  } finally {
    await t.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
