/**
 * Local-disk blob store: one file per object under `<root>/<key>`, with its content type in a
 * sidecar `<key>.meta.json`. Writes go to a temporary file and are renamed into place (atomic on
 * one file system).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, type BlobObject, type BlobPutOptions, type BlobStore, type BlobStream } from './port.js';

const META = '.meta.json';

export class LocalBlobStore implements BlobStore {
  readonly kind = 'local' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    assertBlobKey(key);
    const p = resolve(join(this.root, key));
    if (!p.startsWith(this.root + sep)) throw new Error('blob key escapes the store');
    return p;
  }

  async put(key: string, data: Buffer | Readable, options: BlobPutOptions): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      if (Buffer.isBuffer(data)) await writeFile(tmp, data, { mode: 0o600 });
      else await pipeline(data, createWriteStream(tmp, { mode: 0o600 }));
      const size = (await stat(tmp)).size;
      await writeFile(`${tmp}.meta`, JSON.stringify({ contentType: options.contentType, size }), { mode: 0o600 });
      await rename(`${tmp}.meta`, `${file}${META}`);
      await rename(tmp, file);
    } finally {
      await rm(tmp, { force: true });
      await rm(`${tmp}.meta`, { force: true });
    }
  }

  private async contentTypeOf(file: string): Promise<string> {
    try {
      return (JSON.parse(await readFile(`${file}${META}`, 'utf8')) as { contentType: string }).contentType;
    } catch {
      // A missing sidecar only loses the type; the bytes are still served as opaque data.
      return 'application/octet-stream';
    }
  }

  async get(key: string): Promise<BlobObject | null> {
    const file = this.pathOf(key);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return { data, contentType: await this.contentTypeOf(file), size: data.length };
  }

  async getStream(key: string): Promise<BlobStream | null> {
    const file = this.pathOf(key);
    let size: number;
    try {
      const st = await stat(file);
      if (!st.isFile()) return null;
      size = st.size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return { stream: createReadStream(file), contentType: await this.contentTypeOf(file), size };
  }

  async *list(prefix = ''): AsyncIterable<{ key: string; size: number }> {
    const walk = async function* (dir: string): AsyncGenerator<string> {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) yield* walk(p);
        else if (e.isFile() && !e.name.endsWith(META) && !e.name.endsWith('.tmp') && !e.name.endsWith('.tmp.meta')) {
          yield p;
        }
      }
    };
    for await (const file of walk(this.root)) {
      const key = relative(this.root, file).split(sep).join('/');
      if (!key.startsWith(prefix)) continue;
      yield { key, size: (await stat(file)).size };
    }
  }

  async delete(key: string): Promise<boolean> {
    const file = this.pathOf(key);
    let existed = true;
    try {
      await rm(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      existed = false;
    }
    await rm(`${file}${META}`, { force: true });
    return existed;
  }
}
