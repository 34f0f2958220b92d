/**
 * Local-disk blob store: one file per object under `<root>/<key>`, with its content type in a
 * sidecar `<key>.meta.json`. Writes go to a temporary file and are renamed into place (atomic on
 * one file system).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { assertBlobKey, type BlobObject, type BlobStore } from './port.js';

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

  async put(key: string, data: Buffer, options: { contentType: string }): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(`${tmp}.meta`, JSON.stringify({ contentType: options.contentType, size: data.length }));
      await writeFile(tmp, data);
      await rename(`${tmp}.meta`, `${file}.meta.json`);
      await rename(tmp, file);
    } finally {
      await rm(tmp, { force: true });
      await rm(`${tmp}.meta`, { force: true });
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
    let contentType = 'application/octet-stream';
    try {
      contentType = (JSON.parse(await readFile(`${file}.meta.json`, 'utf8')) as { contentType: string }).contentType;
    } catch {
      // A missing sidecar only loses the type; the bytes are still served as opaque data.
    }
    return { data, contentType, size: data.length };
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
    await rm(`${file}.meta.json`, { force: true });
    return existed;
  }
}
