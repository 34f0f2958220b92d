/**
 * Form helpers shared by every form: field errors keyed by dotted path (`allergies.0.substance`),
 * from a Zod error (client-side validation with the shared schemas) or from the API's problem
 * (`errors[].path` is `body.<field>…`), and moving focus to the first field in error.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { ApiError } from './api-client';

export type FieldErrors = Record<string, string>;

/** The first message for each path of a Zod error. */
export function fieldErrorsFromZod(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_form';
    out[key] ??= issue.message;
  }
  return out;
}

/** The API's field errors (request body paths), without the `body.` prefix. */
export function fieldErrorsFromApi(error: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!(error instanceof ApiError)) return out;
  for (const issue of error.errors) {
    const key = issue.path.replace(/^body\.?/, '') || '_form';
    out[key] ??= issue.message;
  }
  return out;
}

/**
 * What a failed submit of a form that re-asks for the password shows: the server's 403 "wrong
 * password" under `passwordField`, else the server's field errors, else one message for the form.
 */
export function submitErrors(error: unknown, passwordField: string): { fields: FieldErrors; form: string | null } {
  if (error instanceof ApiError && error.type === 'invalid_credentials') {
    return { fields: { [passwordField]: 'That password is not right' }, form: null };
  }
  const fields = fieldErrorsFromApi(error);
  return { fields, form: Object.keys(fields).length ? null : describeError(error) };
}

/** Sentence case for a schema message shown under a field ("must be 4 to 8 digits" → "Must be…"). */
export function sentence(message: string): string {
  const m = message.trim();
  return m ? m[0]!.toUpperCase() + m.slice(1) : m;
}

/** A readable message for any failure of a request, for a form-level alert. */
export function describeError(error: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (error instanceof ApiError) {
    if (error.type === 'rate_limited') {
      return error.retryAfter
        ? `Too many attempts. Try again in ${formatWait(error.retryAfter)}.`
        : 'Too many attempts. Wait a minute and try again.';
    }
    if (error.status >= 500) return 'The server could not do that just now. Please try again in a moment.';
    return error.detail ?? error.title ?? fallback;
  }
  if (error instanceof Error && error.name === 'NetworkError') return error.message;
  return fallback;
}

/** "45 seconds", "3 minutes", "2 hours". */
export function formatWait(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} seconds`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} minutes`;
  return `${Math.round(seconds / 3600)} hours`;
}

/** Focuses the first invalid field inside `container` (DOM order), or the form's alert. */
export function focusFirstErrorIn(container: HTMLElement | null): void {
  const target =
    container?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
    container?.querySelector<HTMLElement>('[data-form-alert]');
  target?.focus();
}

/**
 * `ref` for the form, and `focusFirstError()` to call where the errors are set: focus moves once
 * React has rendered them (after the commit, whether the errors came from a click or a response).
 */
export function useFocusFirstError<T extends HTMLElement = HTMLFormElement>() {
  const ref = useRef<T>(null);
  const [request, setRequest] = useState(0);
  useEffect(() => {
    if (request) focusFirstErrorIn(ref.current);
  }, [request]);
  const focusFirstError = useCallback(() => setRequest((n) => n + 1), []);
  return { ref, focusFirstError };
}
