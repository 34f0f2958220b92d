/**
 * Starts the real product for a test: the API (apps/api) serving the built web app from
 * apps/web/dist on one loopback port, with its data in a fresh temp directory. Builds nothing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIST_DIR = join(repoRoot, 'apps/web/dist');

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** Throws a clear message when the web app has not been built. */
export function assertWebBuilt(): void {
  if (!existsSync(join(WEB_DIST_DIR, 'index.html'))) {
    throw new Error(
      `The web app is not built: ${join(WEB_DIST_DIR, 'index.html')} is missing.\n` +
        'Build it first: npm run build -w @medichat/shared && npm run build -w @medichat/web',
    );
  }
}

/** The API's own modules, loaded on demand so a broken API reads as such, not as a test crash. */
async function loadApi() {
  try {
    const [{ buildApp }, { loadConfig }] = await Promise.all([
      import('../../apps/api/src/app.js'),
      import('../../apps/api/src/config/config.js'),
    ]);
    return { buildApp, loadConfig };
  } catch (cause) {
    throw new Error(`Could not load the API (apps/api/src/app.ts, config/config.ts): ${(cause as Error).message}`, {
      cause,
    });
  }
}

export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  assertWebBuilt();
  const { buildApp, loadConfig } = await loadApi();
  const dataDir = mkdtempSync(join(tmpdir(), 'medichat-e2e-'));
  try {
    const config = loadConfig({
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      WEB_DIST_DIR,
    });
    const app = await buildApp(config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error(`unexpected server address: ${String(address)}`);
    return {
      url: `http://127.0.0.1:${address.port}`,
      dataDir,
      async close() {
        await app.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
