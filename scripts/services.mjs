/**
 * Throw-away local servers for tests and benches: FerretDB (a MongoDB wire-protocol server with an
 * embedded SQLite backend) and Redis. Each picks a free loopback port, waits until the server
 * really answers, logs to a file under `dataDir`, and returns null when its binary is missing (the
 * caller decides whether that is a skip or a failure).
 *
 *   const ferret = await startFerretDB({ dataDir });   // { uri, stop(), logFile } | null
 *   const redis = await startRedis({ dataDir });       // { url, stop(), logFile } | null
 *
 * FerretDB binary lookup: $FERRETDB_BIN, then ${MEDICHAT_CACHE:-~/.cache/medichat}/bin/ferretdb
 * (what scripts/install-ferretdb.sh builds), then `ferretdb` on PATH.
 * Redis binary lookup: $REDIS_SERVER_BIN, then `redis-server` on PATH.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, openSync, closeSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const START_TIMEOUT_MS = 30_000;

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Where the FerretDB binary is, or null. */
export function findFerretDB() {
  const candidates = [
    process.env.FERRETDB_BIN,
    join(process.env.MEDICHAT_CACHE ?? join(homedir(), '.cache', 'medichat'), 'bin', 'ferretdb'),
  ];
  for (const c of candidates) if (c && isExecutable(c)) return c;
  return onPath('ferretdb');
}

/** Where redis-server is, or null. */
export function findRedisServer() {
  if (process.env.REDIS_SERVER_BIN && isExecutable(process.env.REDIS_SERVER_BIN)) return process.env.REDIS_SERVER_BIN;
  return onPath('redis-server');
}

/** A port free on 127.0.0.1 right now (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Send `payload` over TCP and resolve with the first chunk of the reply (or reject). */
function tcpExchange(port, payload, timeoutMs = 1000) {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('timeout'));
    }, timeoutMs);
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.once('connect', () => {
      if (payload === null) {
        clearTimeout(timer);
        sock.end();
        resolve('');
      } else sock.write(payload);
    });
    sock.once('data', (buf) => {
      clearTimeout(timer);
      sock.end();
      resolve(buf.toString('utf8'));
    });
  });
}

/**
 * Spawn `bin args` with stdout/stderr to `logFile`, then poll `ready()` until it resolves true.
 * Returns a stop() that sends SIGTERM, then SIGKILL after 5 s, and resolves when the process is gone.
 */
async function launch(name, bin, args, logFile, ready) {
  const fd = openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (err) => {
      exited = { code: null, signal: null, err };
      resolve();
    });
  });
  // A test runner that dies must not leave servers behind.
  const onParentExit = () => child.kill('SIGKILL');
  process.once('exit', onParentExit);

  const stop = async () => {
    process.removeListener('exit', onParentExit);
    if (exited) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exitPromise;
    clearTimeout(t);
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      throw new Error(`${name} exited during start-up (${JSON.stringify(exited)}); see ${logFile}`);
    }
    if (await ready().catch(() => false)) return stop;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not become ready within ${START_TIMEOUT_MS} ms; see ${logFile}`);
    }
    await sleep(100);
  }
}

/** Retry start-up on a new port when another process grabbed ours between probe and bind. */
async function withPortRetry(start) {
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await start(await freePort());
    } catch (err) {
      lastErr = err;
    }
  }
  throw lastErr;
}

/**
 * Start FerretDB v1 with its SQLite backend in `dataDir` (created if needed).
 * @param {{ dataDir: string, logLevel?: string }} options
 * @returns {Promise<{ uri: string, port: number, logFile: string, stop: () => Promise<void> } | null>}
 */
export async function startFerretDB({ dataDir, logLevel = 'WARN' }) {
  const bin = findFerretDB();
  if (!bin) return null;
  const sqliteDir = join(dataDir, 'sqlite');
  mkdirSync(sqliteDir, { recursive: true });
  const logFile = join(dataDir, 'ferretdb.log');
  const { MongoClient } = await import('mongodb');

  return withPortRetry(async (port) => {
    const uri = `mongodb://127.0.0.1:${port}/`;
    const args = [
      '--handler=sqlite',
      `--sqlite-url=file:${sqliteDir}/`,
      `--state-dir=${dataDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      // The debug HTTP listener defaults to a fixed port (8088): off, so that instances can coexist.
      '--debug-addr=-',
      '--telemetry=disable',
      `--log-level=${logLevel}`,
      '--log-format=text',
    ];
    const stop = await launch('ferretdb', bin, args, logFile, async () => {
      await tcpExchange(port, null);
      const client = new MongoClient(uri, {
        serverSelectionTimeoutMS: 1000,
        connectTimeoutMS: 1000,
        appName: 'medichat-services',
      });
      try {
        await client.db('admin').command({ ping: 1 });
        return true;
      } finally {
        await client.close();
      }
    });
    return { uri, port, logFile, stop };
  });
}

/**
 * Start a throw-away Redis (no persistence) in `dataDir` (created if needed).
 * @param {{ dataDir: string }} options
 * @returns {Promise<{ url: string, port: number, logFile: string, stop: () => Promise<void> } | null>}
 */
export async function startRedis({ dataDir }) {
  const bin = findRedisServer();
  if (!bin) return null;
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dataDir, 'redis.log');

  return withPortRetry(async (port) => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dataDir];
    const stop = await launch('redis-server', bin, args, logFile, async () =>
      (await tcpExchange(port, 'PING\r\n')).startsWith('+PONG'),
    );
    return { url: `redis://127.0.0.1:${port}`, port, logFile, stop };
  });
}

/** Where moto's server is (`moto_server`, from `pip install "moto[server]"`), or null. */
export function findMotoServer() {
  if (process.env.MOTO_SERVER_BIN && isExecutable(process.env.MOTO_SERVER_BIN)) return process.env.MOTO_SERVER_BIN;
  return onPath('moto_server');
}

/**
 * Start moto's S3-protocol server (in memory; signature V4 checked like AWS) in `dataDir` for its log.
 * @param {{ dataDir: string }} options
 * @returns {Promise<{ endpoint: string, port: number, logFile: string, stop: () => Promise<void> } | null>}
 */
export async function startMoto({ dataDir }) {
  const bin = findMotoServer();
  if (!bin) return null;
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(dataDir, 'moto.log');
  return withPortRetry(async (port) => {
    const stop = await launch('moto_server', bin, ['-H', '127.0.0.1', '-p', String(port)], logFile, async () =>
      (await tcpExchange(port, 'GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n', 2000)).startsWith('HTTP/'),
    );
    return { endpoint: `http://127.0.0.1:${port}`, port, logFile, stop };
  });
}
