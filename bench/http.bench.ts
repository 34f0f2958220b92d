/**
 * HTTP hot path: GET /api/health through the full Medichat app (helmet, CORS, rate limit, metrics,
 * request ids, Zod serializer) vs a bare Fastify route returning the same JSON, both over real
 * loopback HTTP with keep-alive, measured side by side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { Agent, request } from 'node:http';
import { buildApp } from '../apps/api/src/app.js';
import { loadConfig } from '../apps/api/src/config/config.js';
import { compare } from './lib.js';

const dataDir = mkdtempSync(join(tmpdir(), 'medichat-bench-http-'));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0' });
const app = await buildApp(config);
await app.listen({ host: '127.0.0.1', port: 0 });
const bare = Fastify({ logger: false });
bare.get('/api/health', async () => ({ status: 'ok', uptimeSeconds: 1, version: '0.1.0' }));
await bare.listen({ host: '127.0.0.1', port: 0 });

const port = (s: typeof app) => (s.server.address() as { port: number }).port;
// node:http with one keep-alive socket: the client costs the same for both sides.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const get = (p: number) => () =>
  new Promise<void>((resolve, reject) => {
    request({ host: '127.0.0.1', port: p, path: '/api/health', agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        resolve();
      });
    })
      .on('error', reject)
      .end();
  });

await compare(
  'GET /api/health over loopback HTTP (one keep-alive connection)',
  ['bare Fastify route', get(port(bare))],
  [['Medichat app (all plugins)', get(port(app))]],
  { batch: 200, rounds: 15 },
);

await compare(
  'GET /api/health in-process (fastify.inject, no sockets)',
  ['bare Fastify route', () => bare.inject({ method: 'GET', url: '/api/health' })],
  [['Medichat app (all plugins)', () => app.inject({ method: 'GET', url: '/api/health' })]],
  { batch: 200, rounds: 15 },
);

agent.destroy();
await app.close();
await bare.close();
rmSync(dataDir, { recursive: true, force: true });
