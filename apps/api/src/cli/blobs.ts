/**
 * `medichat blobs migrate --to <file:///dir | s3://bucket/prefix> [--from <url>]`: copies every
 * blob from the configured store (BLOB_URL, default DATA_DIR/blobs; or --from) to another, under
 * the same keys, so the database's references (avatar keys, clip keys) stay valid as they are.
 * Sealed (encrypted) blobs are copied as their ciphertext: their AAD is the key, which does not
 * change, so they open in the new store with the same ENCRYPTION_KEYS.
 *
 * Per object: streamed from the source through SHA-256, written, then read back from the target
 * and hashed again; a mismatch stops the run (exit 1) without journaling the object. Resumable:
 * each verified object is appended to a journal (DATA_DIR/blob-migrations/<target>.jsonl) and a
 * rerun skips keys journaled with the same size. Progress: one line per object on stderr, a summary
 * on stdout. The source is never changed; switch BLOB_URL afterwards and remove it yourself.
 *
 * Exit codes: 0 done, 64 usage, 1 a copy failed or did not verify.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';
import type { BlobStore } from '../engines/blob/index.js';

const USAGE = `usage: medichat blobs migrate --to <file:///dir | s3://bucket/prefix> [--from <url>]
  copies every blob under the same key, verifying a SHA-256 per object; rerun to resume`;

export interface BlobsCommandDeps {
  /** Opens the store a URL names (with the environment's S3 settings); undefined = the configured one. */
  open(url: string | undefined): BlobStore;
  /** Directory for the resume journals (DATA_DIR/blob-migrations). */
  journalDir: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

interface JournalEntry {
  key: string;
  size: number;
  sha256: string;
}

function journalName(url: string): string {
  return `${url.replace(/[^a-zA-Z0-9._-]+/g, '_').slice(0, 100)}-${createHash('sha256').update(url).digest('hex').slice(0, 8)}.jsonl`;
}

function readJournal(file: string): Map<string, JournalEntry> {
  const done = new Map<string, JournalEntry>();
  if (!existsSync(file)) return done;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as JournalEntry;
      done.set(e.key, e);
    } catch {
      // A line torn by a crash mid-append: that object is simply copied again.
    }
  }
  return done;
}

export async function blobsCommand(args: string[], deps: BlobsCommandDeps): Promise<number> {
  const out = deps.stdout ?? process.stdout;
  const err = deps.stderr ?? process.stderr;
  const [sub, ...rest] = args;
  if (sub !== 'migrate') {
    err.write(`${USAGE}\n`);
    return sub === undefined || sub === 'help' ? 0 : 64;
  }
  let values: { to?: string; from?: string };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { to: { type: 'string' }, from: { type: 'string' } },
      strict: true,
    }));
  } catch (e) {
    err.write(`medichat blobs: ${(e as Error).message}\n${USAGE}\n`);
    return 64;
  }
  if (!values.to || !/^(file:\/\/|s3:\/\/)/.test(values.to)) {
    err.write(`medichat blobs: --to must be file:///dir or s3://bucket/prefix\n${USAGE}\n`);
    return 64;
  }
  if (values.from !== undefined && !/^(file:\/\/|s3:\/\/)/.test(values.from)) {
    err.write(`medichat blobs: --from must be file:///dir or s3://bucket/prefix\n${USAGE}\n`);
    return 64;
  }
  let source: BlobStore;
  let target: BlobStore;
  try {
    source = deps.open(values.from);
    target = deps.open(values.to);
  } catch (e) {
    err.write(`medichat blobs: ${(e as Error).message}\n`);
    return 64;
  }
  mkdirSync(deps.journalDir, { recursive: true, mode: 0o700 });
  const journal = join(deps.journalDir, journalName(values.to));
  const done = readJournal(journal);
  try {
    const objects: Array<{ key: string; size: number }> = [];
    for await (const o of source.list()) objects.push(o);
    objects.sort((a, b) => a.key.localeCompare(b.key));
    let copied = 0;
    let skipped = 0;
    let bytes = 0;
    for (const [i, o] of objects.entries()) {
      const tag = `[${i + 1}/${objects.length}]`;
      if (done.get(o.key)?.size === o.size) {
        skipped++;
        err.write(`${tag} ${o.key} already copied\n`);
        continue;
      }
      const got = await source.getStream(o.key);
      if (!got) {
        err.write(`${tag} ${o.key} vanished from the source; skipped\n`);
        continue;
      }
      const hash = createHash('sha256');
      const tee = new PassThrough();
      got.stream.on('data', (chunk: Buffer) => hash.update(chunk));
      got.stream.on('error', (e) => tee.destroy(e));
      got.stream.pipe(tee);
      await target.put(o.key, tee, { contentType: got.contentType, contentLength: got.size });
      const sha256 = hash.digest('hex');
      const back = await target.getStream(o.key);
      const check = createHash('sha256');
      if (back) for await (const chunk of back.stream) check.update(chunk as Buffer);
      const written = back ? check.digest('hex') : 'missing';
      if (written !== sha256) {
        err.write(`${tag} ${o.key} does not verify (source ${sha256}, target ${written}); stopping\n`);
        return 1;
      }
      appendFileSync(journal, `${JSON.stringify({ key: o.key, size: o.size, sha256 } satisfies JournalEntry)}\n`);
      copied++;
      bytes += o.size;
      err.write(`${tag} ${o.key} ${o.size} B sha256:${sha256.slice(0, 16)} ok\n`);
    }
    out.write(
      `blobs migrated to ${values.to}: ${copied} copied (${bytes} bytes), ${skipped} already there, ${objects.length} in all\n`,
    );
    return 0;
  } catch (e) {
    err.write(`medichat blobs: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await source.close?.();
    await target.close?.();
  }
}
