/**
 * `medichat admin create --email <email> [--name <display name>]`: creates an admin account (with
 * its medical card, like every account). The password comes from MEDICHAT_ADMIN_PASSWORD, else
 * from standard input: typed twice without echo on a terminal, or the first line when piped
 * (`printf '%s\n' "$PW" | medichat admin create --email …`). It must meet the password policy.
 * There is never a default password.
 *
 * Exit codes: 0 created, 64 usage, 65 refused (weak password, taken email), 1 other errors.
 */
import { parseArgs } from 'node:util';
import { emailSchema } from '@medichat/shared';
import type { Config } from '../config/config.js';
import { AppError } from '../lib/errors.js';
import { buildAccounts, type AccountStorage } from '../container.js';

const USAGE = `usage: medichat admin create --email <email> [--name <display name>]
  password: MEDICHAT_ADMIN_PASSWORD, or typed (hidden, twice) on a terminal, or the first line of stdin`;

export interface AdminCommandDeps {
  config: Pick<Config, 'auth' | 'secrets' | 'emergencyNumber'>;
  storage: AccountStorage;
  /** MEDICHAT_ADMIN_PASSWORD, when set. */
  passwordFromEnv?: string;
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export async function adminCommand(args: string[], deps: AdminCommandDeps): Promise<number> {
  const out = deps.stdout ?? process.stdout;
  const err = deps.stderr ?? process.stderr;
  const [sub, ...rest] = args;
  if (sub !== 'create') {
    err.write(`${USAGE}\n`);
    return sub === undefined || sub === 'help' ? 0 : 64;
  }
  let values: { email?: string; name?: string };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { email: { type: 'string' }, name: { type: 'string' } },
      strict: true,
    }));
  } catch (e) {
    err.write(`medichat admin: ${(e as Error).message}\n${USAGE}\n`);
    return 64;
  }
  const email = emailSchema.safeParse(values.email ?? '');
  if (!email.success) {
    err.write(`medichat admin: --email must be an email address\n${USAGE}\n`);
    return 64;
  }
  const password = deps.passwordFromEnv || (await readPassword(deps.stdin ?? process.stdin, err));
  if (!password) {
    err.write('medichat admin: no password given (MEDICHAT_ADMIN_PASSWORD or standard input)\n');
    return 64;
  }
  const { accounts } = buildAccounts({ storage: deps.storage, config: deps.config });
  try {
    const { user } = await accounts.createAccount({
      email: email.data,
      password,
      displayName: values.name ?? 'Administrator',
      role: 'admin',
    });
    out.write(`created admin ${user.email} (${user.id})\n`);
    return 0;
  } catch (e) {
    if (e instanceof AppError && (e.type === 'weak_password' || e.type === 'conflict')) {
      err.write(
        `medichat admin: ${e.type === 'conflict' ? `an account with ${email.data} already exists` : e.message}\n`,
      );
      return 65;
    }
    throw e;
  }
}

/** A password from stdin: hidden and confirmed on a terminal, else the first line. */
async function readPassword(
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown },
  err: NodeJS.WritableStream,
): Promise<string> {
  if (stdin.isTTY && stdin.setRawMode) {
    const first = await promptHidden(stdin, err, 'Password for the new admin: ');
    const second = await promptHidden(stdin, err, 'Again: ');
    if (first !== second) {
      err.write('medichat admin: the two passwords differ\n');
      return '';
    }
    return first;
  }
  let data = '';
  for await (const chunk of stdin) {
    data += chunk.toString();
    if (data.includes('\n') || data.length > 4096) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

function promptHidden(
  stdin: NodeJS.ReadableStream & { setRawMode?: (raw: boolean) => unknown },
  err: NodeJS.WritableStream,
  prompt: string,
): Promise<string> {
  err.write(prompt);
  stdin.setRawMode!(true);
  stdin.resume();
  return new Promise((resolve) => {
    let value = '';
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.off('data', onData);
          stdin.setRawMode!(false);
          stdin.pause();
          err.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
