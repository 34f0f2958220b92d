/**
 * argon2id for passwords and PINs (`@node-rs/argon2`: prebuilt, runs on libuv's thread pool, off
 * the event loop). The cost comes from config; hashes made at an older cost are upgraded on the
 * next successful sign-in (`needsRehash`). `verifyDummy` spends the same time as a real check, so an
 * unknown account answers as slowly as a wrong password.
 */
import { randomBytes } from 'node:crypto';
import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';

/** `Algorithm.Argon2id` (an ambient const enum, which isolatedModules cannot read). */
const ARGON2ID = 2 as Algorithm;

export interface Argon2Cost {
  memoryKib: number;
  timeCost: number;
}

export class PasswordHasher {
  private readonly options: Options;
  private dummy?: Promise<string>;

  constructor(cost: Argon2Cost) {
    this.options = { algorithm: ARGON2ID, memoryCost: cost.memoryKib, timeCost: cost.timeCost, parallelism: 1 };
  }

  hash(secret: string): Promise<string> {
    return hash(secret, this.options);
  }

  /** False for a wrong secret and for a hash that is not argon2 at all (never throws on bad input). */
  async verify(stored: string, secret: string): Promise<boolean> {
    try {
      return await verify(stored, secret);
    } catch {
      return false;
    }
  }

  /** Same work as `verify` against a real hash; always false. */
  async verifyDummy(secret: string): Promise<false> {
    this.dummy ??= this.hash(randomBytes(16).toString('base64url'));
    await this.verify(await this.dummy, secret);
    return false;
  }

  needsRehash(stored: string): boolean {
    try {
      const p = parseOptions(stored);
      return (
        p.algorithm !== ARGON2ID ||
        p.memoryCost !== this.options.memoryCost ||
        p.timeCost !== this.options.timeCost ||
        p.parallelism !== this.options.parallelism
      );
    } catch {
      return true;
    }
  }
}
