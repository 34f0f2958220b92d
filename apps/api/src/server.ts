/**
 * Starts Medichat: loads config, builds the app, listens, and shuts down gracefully on SIGINT /
 * SIGTERM (in-flight requests finish, then storage closes).
 */
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config/config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`medichat: ${err.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const app = await buildApp(config);
  closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });
  await app.listen({ host: config.host, port: config.port });
  app.log.info(
    { storage: app.storage.engine.kind, dataDir: config.dataDir },
    `Medichat is up: http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`,
  );
}

main().catch((err) => {
  console.error('medichat: failed to start', err);
  process.exit(1);
});
