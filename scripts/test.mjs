#!/usr/bin/env node
/**
 * The one test command (`npm test`): builds everything, type-checks it with its tests, lints, starts the
 * real services the suites need (FerretDB for the MongoDB engine, Redis for the queue and rate
 * limits) on free loopback ports, runs every test file with node's test runner, and stops what it
 * started.
 *   npm test                 everything
 *   npm test -- storage e2e  only test files whose path contains one of the words
 *   npm run test:unit        the unit tier only: no build, no services, no browser, no real models (seconds)
 *   npm test -- --tier=integration|browser   one tier (words still filter within it)
 * Tiers, by what a test file uses (read from its imports, so no renaming is needed):
 *   browser      e2e/** (Chromium through playwright-core, a built web app)
 *   integration  the app or a real database (testing/test-app, openStorage, *.db.test.ts), real
 *                models (the tiny GGUF / ONNX fixtures, node-llama-cpp, transformers.js), pip or a
 *                local hub (the model store), FerretDB/Redis
 *   unit         everything else: pure functions and services with their collaborators in memory
 * Env: MEDICHAT_TEST_MONGODB_URI / MEDICHAT_TEST_REDIS_URL use servers you run (e.g. Atlas)
 *      instead of starting local ones; MEDICHAT_SKIP_BUILD=1 skips the build and lint step.
 *      MEDICHAT_REQUIRE_MONGODB=1 / MEDICHAT_REQUIRE_REDIS=1 (set by .ci/run) make a missing server
 *      a failure: the storage and queue contract suites then fail instead of skipping their engine,
 *      and each writes a marker under .ci-artifacts/ (mongodb-contract.ran, bullmq-contract.ran)
 *      that .ci/run checks. moto's S3 server likewise (MEDICHAT_TEST_S3_ENDPOINT to use your own,
 *      MEDICHAT_REQUIRE_S3=1 to fail without one; marker s3-blob-contract.ran).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFerretDB, startMoto, startRedis } from './services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const tierArg = args.find((a) => a.startsWith('--tier='));
const tier = tierArg?.slice('--tier='.length);
const filters = args.filter((a) => !a.startsWith('--tier='));
const TIERS = ['unit', 'integration', 'browser'];
if (tier !== undefined && !TIERS.includes(tier)) {
  console.error(`unknown tier ${JSON.stringify(tier)}: one of ${TIERS.join(', ')}`);
  process.exit(64);
}
/** What makes a test file need more than the process it runs in. */
const INTEGRATION =
  /testing\/test-app|openStorage|storage\.contract|tiny-model\.test-helpers|onnx-model\.test-helper|model-store\.test-helpers|remote-contract\.test-helpers|llama-cpp\.engine|transformers\.engine|node-llama-cpp|MEDICHAT_TEST_(MONGODB|REDIS)_URI?|MEDICHAT_TEST_S3_ENDPOINT|child_process|speech\.test-helpers/;

function tierOf(file) {
  if (file.startsWith('e2e/')) return 'browser';
  if (file.endsWith('.db.test.ts')) return 'integration';
  return INTEGRATION.test(readFileSync(join(root, file), 'utf8')) ? 'integration' : 'unit';
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`\n✗ ${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
    process.exit(r.status ?? 1);
  }
}

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

if (process.env.MEDICHAT_SKIP_BUILD !== '1' && tier !== 'unit') {
  console.log('▶ build (type-checks shared, api and web)');
  run('npm', ['run', 'build']);
  console.log('▶ type-check tests, benches and browser tests');
  run('npm', ['run', 'typecheck']);
  console.log('▶ lint');
  run('npm', ['run', 'lint']);
}

const files = ['packages', 'apps', 'e2e']
  .flatMap((d) => findTests(join(root, d)))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .filter((f) => tier === undefined || tierOf(f) === tier)
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), 'medichat-test-'));
const markers = join(root, '.ci-artifacts');
mkdirSync(markers, { recursive: true });
const started = [];
const env = { ...process.env, MEDICHAT_TEST_MARKER_DIR: markers, NODE_ENV: 'test' };
let status = 1;
try {
  if (!env.MEDICHAT_TEST_MONGODB_URI && tier !== 'unit') {
    const ferret = await startFerretDB({ dataDir: join(scratch, 'ferretdb') });
    if (ferret) {
      started.push(ferret);
      env.MEDICHAT_TEST_MONGODB_URI = ferret.uri;
      console.log(`▶ FerretDB (MongoDB wire protocol) at ${ferret.uri}`);
    } else {
      console.warn('! FerretDB not found: MongoDB engine tests will not run (bash scripts/install-ferretdb.sh)');
    }
  }
  if (!env.MEDICHAT_TEST_REDIS_URL && tier !== 'unit') {
    const redis = await startRedis({ dataDir: join(scratch, 'redis') });
    if (redis) {
      started.push(redis);
      env.MEDICHAT_TEST_REDIS_URL = redis.url;
      console.log(`▶ Redis at ${redis.url}`);
    } else {
      console.warn(
        '! redis-server not found: Redis-backed tests (the BullMQ queue engine) will not run (apt-get install -y redis-server)',
      );
    }
  }
  if (!env.MEDICHAT_TEST_S3_ENDPOINT && tier !== 'unit') {
    const moto = await startMoto({ dataDir: join(scratch, 'moto') });
    if (moto) {
      started.push(moto);
      env.MEDICHAT_TEST_S3_ENDPOINT = moto.endpoint;
      console.log(`▶ moto (S3 protocol) at ${moto.endpoint}`);
    } else {
      console.warn('! moto_server not found: S3 blob engine tests will not run (pip install "moto[server]")');
    }
  }
  console.log(`▶ ${files.length} test files${tier ? ` (${tier} tier)` : ''}`);
  const r = spawnSync(
    process.execPath,
    [
      '--conditions=development',
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      '--test-timeout=600000',
      ...files,
    ],
    { cwd: root, stdio: 'inherit', env },
  );
  status = r.status ?? 1;
} finally {
  for (const s of started.reverse()) await s.stop();
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(status);
