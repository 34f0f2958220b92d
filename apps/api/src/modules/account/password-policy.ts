/**
 * Password policy (NIST SP 800-63B style): 10–128 characters, anything allowed, but not one of the
 * 10,000 most common passwords (`common-passwords.txt`), not such a password with digits or symbols
 * tacked on at the end (`dragon2024!`), not one repeated character, and not the email or its local
 * part. No composition rules. Returns the problems found (empty = acceptable).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PASSWORD_MAX, PASSWORD_MIN } from '@medichat/shared';

let common: Set<string> | undefined;

/** The bundled list; read once. Found next to this module, or in src/ when running from dist/. */
export function commonPasswords(): Set<string> {
  if (common) return common;
  const candidates = [
    new URL('./common-passwords.txt', import.meta.url),
    new URL('../../../src/modules/account/common-passwords.txt', import.meta.url),
  ].map((u) => fileURLToPath(u));
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error(`common-passwords.txt not found (looked in ${candidates.join(', ')})`);
  common = new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
  return common;
}

export function passwordProblems(password: string, context: { email?: string } = {}): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN) problems.push(`must be at least ${PASSWORD_MIN} characters`);
  if (length > PASSWORD_MAX) problems.push(`must be at most ${PASSWORD_MAX} characters`);
  const lower = password.trim().toLowerCase();
  const list = commonPasswords();
  const base = lower.replace(/[^a-z]+$/, '');
  if (list.has(lower) || (base.length >= 4 && base !== lower && list.has(base))) {
    problems.push('is one of the most common passwords; choose something less predictable');
  } else if (new Set(lower).size <= 2) {
    problems.push('must not be one or two characters repeated');
  }
  const email = context.email?.trim().toLowerCase();
  if (email && (lower === email || lower === email.split('@')[0])) problems.push('must not be your email address');
  return problems;
}
