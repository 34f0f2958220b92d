/**
 * Opaque keyset cursors: base64url of `<epoch ms>.<id>`. Decoding is strict: anything a previous
 * page did not produce is a 400 naming the parameter, never a query.
 */
import { ProblemType } from '@medichat/shared';
import { AppError } from '../../lib/errors.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.getTime()}.${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, param: string): { at: Date; id: string } {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const dot = raw.indexOf('.');
  const ms = Number(raw.slice(0, dot));
  const id = raw.slice(dot + 1);
  if (dot <= 0 || !/^[0-9]{1,15}$/.test(raw.slice(0, dot)) || !Number.isSafeInteger(ms) || !ID.test(id)) {
    throw new AppError(ProblemType.validation, 400, `The ${param} cursor is not valid; use one from a previous page.`, {
      errors: [{ path: `querystring.${param}`, message: 'not a cursor from a previous page' }],
    });
  }
  return { at: new Date(ms), id };
}
