/**
 * A lock per pull (an `O_EXCL` file holding the owner's pid), so two processes pulling the same
 * model never write the same files; a lock left by a process that died is taken over.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PullError } from './port.js';

/** Take the lock at `path` (waiting up to ~10 min for a live owner); returns its release. */
export async function lock(path: string): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        // Another pull tidied the lock directory away in between.
        await mkdir(dirname(path), { recursive: true });
        continue;
      }
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(await readFile(path, 'utf8').catch(() => ''));
      if (!pid || !alive(pid)) {
        await rm(path, { force: true }); // left by a process that died
        continue;
      }
      if (attempt > 6000) throw new PullError('BUSY', `another process (pid ${pid}) is pulling this model`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
