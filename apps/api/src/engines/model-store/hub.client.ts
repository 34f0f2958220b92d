/**
 * The `hf:<owner>/<repo>[:<file>][@<revision>]` source: the Hugging Face hub HTTP API. Files are
 * listed with GET <endpoint>/api/models/<repo> (pinned to the commit the listing came from), each
 * downloaded with GET <endpoint>/<repo>/resolve/<revision>/<file> (redirects followed by hand so
 * the bearer token never goes to another origin), streamed to a resumable `.part` file (Range, same
 * ETag only), and verified against the LFS sha256 (`X-Linked-Etag`/`ETag`, or the listing's
 * `lfs.sha256`) or, for small non-LFS files, the git blob sha1 the hub gives as ETag.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { pickGguf, pickOnnx } from './file-choice.js';
import { gitBlobSha1, hashInto, HashMeter } from './hashing.js';
import { safeJoin } from './manifest.js';
import { PullError, type PulledEngine, type PulledFile, type PullOptions } from './port.js';
import type { Emit } from './progress.js';
import { modelNameFromFile, type Fetched, type ParsedSource } from './source.js';

export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

interface HubSibling {
  rfilename: string;
  size?: number;
  lfs?: { sha256?: string; oid?: string; size?: number };
}

export async function fetchFromHub(
  src: Extract<ParsedSource, { kind: 'hf' }>,
  staging: string,
  partial: string,
  options: PullOptions,
  progress: Emit,
): Promise<Fetched> {
  const endpoint = (options.hfEndpoint || DEFAULT_HF_ENDPOINT).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(endpoint)) throw new PullError('BAD_SOURCE', `HF_ENDPOINT must be an http(s) URL`);
  const token = options.hfToken || undefined;
  progress({ phase: 'resolve', bytes: 0, message: `${endpoint}/api/models/${src.repo}` }, true);

  const infoUrl = `${endpoint}/api/models/${src.repo}${src.revision !== 'main' ? `/revision/${encodeURIComponent(src.revision)}` : ''}?blobs=true`;
  const infoRes = await hubFetch(infoUrl, token, options.signal, endpoint);
  if (infoRes.status === 401 || infoRes.status === 403 || infoRes.status === 404) {
    throw new PullError(
      'NOT_FOUND',
      `hub: ${src.repo}@${src.revision} not found or not accessible (HTTP ${infoRes.status})${token ? '' : '; set HF_TOKEN for a gated or private repo'}`,
    );
  }
  if (!infoRes.ok) throw new PullError('HTTP', `hub: GET ${infoUrl} answered HTTP ${infoRes.status}`);
  const info = (await infoRes.json()) as { sha?: string; siblings?: HubSibling[] };
  const siblings = new Map((info.siblings ?? []).map((s) => [s.rfilename, s]));
  const names = [...siblings.keys()];
  // Pin every file to the commit the listing came from: a push during the pull cannot mix revisions.
  const revision = info.sha && /^[0-9a-f]{40}$/.test(info.sha) ? info.sha : src.revision;

  let engine: PulledEngine;
  let main: string;
  let wanted: Array<{ file: string; rel: string }>;
  let defaultName: string;
  const repoName = src.repo.split('/')[1]!;
  if (src.file) {
    if (siblings.size > 0 && !siblings.has(src.file)) {
      throw new PullError('NOT_FOUND', `hub: ${src.repo} has no file ${src.file}`);
    }
    if (!src.file.toLowerCase().endsWith('.gguf')) {
      throw new PullError(
        'NO_MODEL_FILE',
        `hub: ${src.file} is not a .gguf file (omit :<file> to pull an ONNX model directory)`,
      );
    }
    engine = 'llama-cpp';
    main = basename(src.file);
    wanted = [{ file: src.file, rel: main }];
    defaultName = modelNameFromFile(src.file);
  } else if (names.some((n) => n.toLowerCase().endsWith('.gguf'))) {
    const g = pickGguf(names, `hf:${src.repo}`);
    engine = 'llama-cpp';
    main = basename(g);
    wanted = [{ file: g, rel: main }];
    defaultName = modelNameFromFile(g);
  } else {
    const o = pickOnnx(names);
    if (!o) throw new PullError('NO_MODEL_FILE', `hub: ${src.repo} has no .gguf file and no onnx/ model`);
    engine = 'transformers';
    main = '.';
    wanted = o.files.map((f) => ({ file: f, rel: f.slice(o.root.length) }));
    defaultName = modelNameFromFile(o.root ? o.root.replace(/\/$/, '').split('/').pop()! : repoName);
  }

  const sizeOf = (f: string) => siblings.get(f)?.lfs?.size ?? siblings.get(f)?.size;
  const known = wanted.every((w) => sizeOf(w.file) !== undefined);
  const total = known ? wanted.reduce((n, w) => n + sizeOf(w.file)!, 0) : undefined;
  await mkdir(partial, { recursive: true });
  let done = 0;
  const files: PulledFile[] = [];
  for (const w of wanted) {
    const url = `${endpoint}/${src.repo}/resolve/${encodeURIComponent(revision)}/${w.file.split('/').map(encodeURIComponent).join('/')}`;
    const part = join(partial, `${createHash('sha256').update(w.file).digest('hex').slice(0, 16)}.part`);
    const sib = siblings.get(w.file);
    const base = done;
    const got = await downloadVerified(url, part, {
      token,
      endpoint,
      signal: options.signal,
      expectSha256: (sib?.lfs?.sha256 ?? sib?.lfs?.oid)?.replace(/^sha256:/, ''),
      expectSize: sizeOf(w.file),
      onBytes: (n) => {
        done = base + n;
        progress({ phase: 'download', bytes: done, ...(total ? { totalBytes: total } : {}), file: w.rel });
      },
      onVerify: () =>
        progress({ phase: 'verify', bytes: done, ...(total ? { totalBytes: total } : {}), file: w.rel }, true),
      label: `${src.repo}/${w.file}`,
    });
    const dest = safeJoin(staging, w.rel);
    await mkdir(dirname(dest), { recursive: true });
    await rename(part, dest);
    await rm(`${part}.json`, { force: true });
    files.push({ path: w.rel, sizeBytes: got.size, sha256: got.sha256 });
  }
  await rm(partial, { recursive: true, force: true });
  return {
    defaultName,
    engine,
    main,
    files,
    resolved: { repo: src.repo, revision: src.revision, ...(info.sha ? { commit: info.sha } : {}) },
  };
}

/** GET without following redirects; the bearer token goes to the hub's own origin only. */
function hubFetch(
  url: string,
  token: string | undefined,
  signal: AbortSignal | undefined,
  endpoint: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const h: Record<string, string> = { 'user-agent': 'medichat-model-pull', ...headers };
  if (token && new URL(url).origin === new URL(endpoint).origin) h.authorization = `Bearer ${token}`;
  return fetch(url, { headers: h, redirect: 'manual', signal }).catch((err: Error) => {
    if (signal?.aborted) throw new PullError('ABORTED', 'pull aborted');
    throw new PullError('INDEX_UNREACHABLE', `cannot reach ${new URL(url).origin}: ${err.message}`);
  });
}

function etagValue(v: string | null): string | undefined {
  if (!v) return undefined;
  return v.replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase() || undefined;
}

interface DownloadOptions {
  token?: string;
  endpoint: string;
  signal?: AbortSignal;
  expectSha256?: string;
  expectSize?: number;
  onBytes: (n: number) => void;
  onVerify: () => void;
  label: string;
}

/**
 * Download `url` into `part` (resuming a previous `.part` of the same ETag with a Range request),
 * then verify size and checksum. A mismatch deletes the part and throws CHECKSUM_MISMATCH.
 */
async function downloadVerified(
  url: string,
  part: string,
  o: DownloadOptions,
): Promise<{ sha256: string; size: number }> {
  const sidecar = `${part}.json`;
  let have = 0;
  let etagOfPart: string | undefined;
  try {
    etagOfPart = (JSON.parse(await readFile(sidecar, 'utf8')) as { etag?: string }).etag;
    have = (await stat(part)).size;
  } catch {
    have = 0;
  }

  // Resolve redirects by hand: the hub's first answer carries the LFS sha256 (X-Linked-Etag) and
  // size, which the CDN's answer does not.
  let current = url;
  let linkedEtag: string | undefined;
  let linkedSize: number | undefined;
  let res: Response | undefined;
  for (let hop = 0; hop < 10; hop++) {
    const headers: Record<string, string> = have > 0 && etagOfPart ? { range: `bytes=${have}-` } : {};
    res = await hubFetch(current, o.token, o.signal, o.endpoint, headers);
    linkedEtag ??= etagValue(res.headers.get('x-linked-etag'));
    const ls = res.headers.get('x-linked-size');
    if (ls && linkedSize === undefined) linkedSize = Number(ls);
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      await res.body?.cancel();
      current = new URL(res.headers.get('location')!, current).toString();
      continue;
    }
    break;
  }
  if (!res || (res.status !== 200 && res.status !== 206)) {
    if (res?.status === 416) {
      // Range past the end: the part is stale. Start over.
      await rm(part, { force: true });
      await rm(sidecar, { force: true });
      return downloadVerified(url, part, o);
    }
    throw new PullError(res?.status === 404 ? 'NOT_FOUND' : 'HTTP', `download ${o.label}: HTTP ${res?.status ?? '?'}`);
  }
  const etag = linkedEtag ?? etagValue(res.headers.get('etag'));
  const expectSha256 = (o.expectSha256 ?? (etag && /^[0-9a-f]{64}$/.test(etag) ? etag : undefined))?.toLowerCase();
  const expectGitSha1 = !expectSha256 && etag && /^[0-9a-f]{40}$/.test(etag) ? etag : undefined;
  const expectSize =
    o.expectSize ?? linkedSize ?? (res.status === 200 ? Number(res.headers.get('content-length') ?? NaN) : undefined);

  // Resume only the same content (same ETag) from the offset we asked for; otherwise start over.
  let resume = false;
  if (res.status === 206 && have > 0 && etagOfPart && etagOfPart === etag) {
    const range = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
    resume = range !== null && Number(range[1]) === have;
  }
  if (!resume) have = 0;
  if (res.status === 206 && !resume) {
    await res.body?.cancel();
    await rm(part, { force: true });
    await rm(sidecar, { force: true });
    return downloadVerified(url, part, o);
  }
  await writeFile(sidecar, JSON.stringify({ etag: etag ?? null, url }));

  const hash = createHash('sha256');
  if (resume) {
    await hashInto(hash, part);
  }
  const meter = new HashMeter(o.onBytes, { hash, bytes: have });
  if (!res.body) throw new PullError('HTTP', `download ${o.label}: empty body`);
  try {
    await pipeline(
      Readable.fromWeb(res.body as WebReadableStream),
      meter,
      createWriteStream(part, { flags: resume ? 'a' : 'w' }),
    );
  } catch (err) {
    if (o.signal?.aborted)
      throw new PullError('ABORTED', 'pull aborted (the partial download is kept and resumes next time)');
    throw new PullError('HTTP', `download ${o.label} interrupted: ${(err as Error).message} (it resumes next time)`);
  }
  o.onVerify();
  const sha256 = meter.hex();
  const size = meter.bytes;
  let problem: string | undefined;
  if (expectSize !== undefined && Number.isFinite(expectSize) && size !== expectSize)
    problem = `size ${size}, expected ${expectSize}`;
  else if (expectSha256 && sha256 !== expectSha256) problem = `sha256 ${sha256}, expected ${expectSha256}`;
  else if (expectGitSha1) {
    const g = await gitBlobSha1(part, size);
    if (g !== expectGitSha1) problem = `git blob sha1 ${g}, expected ${expectGitSha1}`;
  }
  if (problem) {
    await rm(part, { force: true });
    await rm(sidecar, { force: true });
    throw new PullError('CHECKSUM_MISMATCH', `checksum mismatch for ${o.label}: ${problem}`);
  }
  return { sha256, size };
}
