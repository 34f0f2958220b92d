/**
 * Accessible form controls: every control has a visible `<label>`; its hint and its error are linked
 * with `aria-describedby`, and an error sets `aria-invalid` (which `focusFirstError` looks for).
 */
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { cn } from '@/lib/cn';
import { AlertIcon, ShieldIcon } from './icons';

export const controlClasses =
  'block w-full min-h-11 rounded-lg border bg-white px-3 py-2 text-base text-slate-900 shadow-sm ' +
  'placeholder:text-slate-500 disabled:cursor-not-allowed disabled:bg-slate-100 ' +
  'dark:bg-slate-950 dark:text-slate-100 dark:placeholder:text-slate-400 dark:disabled:bg-slate-800';

const borderClasses = (invalid: boolean) =>
  invalid ? 'border-red-700 dark:border-red-400' : 'border-slate-500 dark:border-slate-400';

export const labelClasses = 'block text-sm font-semibold text-slate-900 dark:text-slate-100';

function describedBy(id: string, hint?: ReactNode, error?: string, extra?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null, extra ?? null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

export function FieldHint({ id, children }: { id: string; children?: ReactNode }) {
  if (!children) return null;
  return (
    <p id={`${id}-hint`} className="mt-1 text-sm text-slate-600 dark:text-slate-400">
      {children}
    </p>
  );
}

export function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p id={`${id}-error`} className="mt-1 flex items-start gap-1.5 text-sm font-medium text-red-800 dark:text-red-300">
      <AlertIcon className="mt-0.5 size-4 shrink-0" />
      <span>{error}</span>
    </p>
  );
}

interface FieldShellProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  optional?: boolean;
  className?: string;
  children: ReactNode;
}

function FieldShell({ id, label, hint, error, optional, className, children }: FieldShellProps) {
  return (
    <div className={className}>
      <label htmlFor={id} className={labelClasses}>
        {label}
        {optional ? <span className="font-normal text-slate-600 dark:text-slate-400"> (optional)</span> : null}
      </label>
      <FieldHint id={id}>{hint}</FieldHint>
      <div className="mt-1.5">{children}</div>
      <FieldError id={id} error={error} />
    </div>
  );
}

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'onChange' | 'value'> {
  id: string;
  label: ReactNode;
  value: string;
  onValueChange: (value: string) => void;
  hint?: ReactNode;
  error?: string;
  optional?: boolean;
  /** More ids for aria-describedby (e.g. a live checklist). */
  describedById?: string;
  fieldClassName?: string;
  inputSuffix?: ReactNode;
}

export function TextField({
  id,
  label,
  value,
  onValueChange,
  hint,
  error,
  optional,
  describedById,
  className,
  fieldClassName,
  inputSuffix,
  ...props
}: TextFieldProps) {
  const input = (
    <input
      id={id}
      value={value}
      onChange={(e) => onValueChange(e.target.value)}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy(id, hint, error, describedById)}
      className={cn(controlClasses, borderClasses(!!error), inputSuffix ? 'pr-14' : undefined, className)}
      {...props}
    />
  );
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} optional={optional} className={fieldClassName}>
      {inputSuffix ? (
        <div className="relative">
          {input}
          <span className="pointer-events-none absolute inset-y-0 right-3 flex items-center text-sm text-slate-600 dark:text-slate-300">
            {inputSuffix}
          </span>
        </div>
      ) : (
        input
      )}
    </FieldShell>
  );
}

interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'onChange' | 'value'> {
  id: string;
  label: ReactNode;
  value: string;
  onValueChange: (value: string) => void;
  hint?: ReactNode;
  error?: string;
  optional?: boolean;
  fieldClassName?: string;
}

export function TextAreaField({
  id,
  label,
  value,
  onValueChange,
  hint,
  error,
  optional,
  className,
  fieldClassName,
  ...props
}: TextAreaFieldProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} optional={optional} className={fieldClassName}>
      <textarea
        id={id}
        value={value}
        onChange={(e) => onValueChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={cn(controlClasses, borderClasses(!!error), 'min-h-24', className)}
        {...props}
      />
    </FieldShell>
  );
}

interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'onChange' | 'value'> {
  id: string;
  label: ReactNode;
  value: string;
  onValueChange: (value: string) => void;
  options: ReadonlyArray<{ value: string; label: string }>;
  hint?: ReactNode;
  error?: string;
  optional?: boolean;
  fieldClassName?: string;
}

export function SelectField({
  id,
  label,
  value,
  onValueChange,
  options,
  hint,
  error,
  optional,
  className,
  fieldClassName,
  ...props
}: SelectFieldProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} optional={optional} className={fieldClassName}>
      <select
        id={id}
        value={value}
        onChange={(e) => onValueChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={cn(controlClasses, borderClasses(!!error), className)}
        {...props}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

interface CheckboxFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'onChange' | 'type'> {
  id: string;
  label: ReactNode;
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
  hint?: ReactNode;
}

export function CheckboxField({ id, label, checked, onCheckedChange, hint, className, ...props }: CheckboxFieldProps) {
  return (
    <div className={cn('flex items-start gap-3', className)}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        onChange={(e) => onCheckedChange(e.target.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
        className="mt-0.5 size-5 shrink-0 accent-teal-700 dark:accent-teal-400"
        {...props}
      />
      <div>
        <label htmlFor={id} className="text-sm font-medium text-slate-900 dark:text-slate-100">
          {label}
        </label>
        <FieldHint id={id}>{hint}</FieldHint>
      </div>
    </div>
  );
}

/** A form-level problem (wrong password, lock, network): announced, and focusable by focusFirstError. */
export function FormAlert({ children, tone = 'error' }: { children: ReactNode; tone?: 'error' | 'info' }) {
  if (!children) return null;
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      tabIndex={-1}
      data-form-alert=""
      className={cn(
        'flex items-start gap-2 rounded-lg border p-3 text-sm',
        tone === 'error'
          ? 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100'
          : 'border-teal-300 bg-teal-50 text-teal-900 dark:border-teal-800 dark:bg-teal-950/60 dark:text-teal-100',
      )}
    >
      {tone === 'error' ? (
        <AlertIcon className="mt-0.5 size-4 shrink-0" />
      ) : (
        <ShieldIcon className="mt-0.5 size-4 shrink-0" />
      )}
      <div>{children}</div>
    </div>
  );
}
