import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

interface ComingSoonProps {
  icon?: ReactNode;
  /** What this area will do, in one sentence. */
  title: string;
  children?: ReactNode;
  /** The muted status line: what is missing and when it comes. */
  status?: string;
  className?: string;
  /** `inverse` for dark surfaces whatever the theme (camera viewfinder). */
  tone?: 'default' | 'inverse';
}

/**
 * An honest placeholder: says what will be here and that it is not built yet. Never fake data.
 */
export function ComingSoon({
  icon,
  title,
  children,
  status = 'Not available yet.',
  className,
  tone = 'default',
}: ComingSoonProps) {
  const inverse = tone === 'inverse';
  return (
    <div
      className={cn(
        'flex h-full flex-col items-center justify-center gap-3 rounded-xl px-6 py-10 text-center',
        !inverse && 'border border-dashed border-slate-300 bg-slate-50 dark:border-slate-700 dark:bg-slate-950/40',
        className,
      )}
    >
      {icon ? (
        <span
          className={cn(
            'flex size-12 items-center justify-center rounded-full',
            inverse ? 'bg-teal-950 text-teal-200' : 'bg-teal-50 text-teal-800 dark:bg-teal-950 dark:text-teal-200',
          )}
        >
          {icon}
        </span>
      ) : null}
      <p
        className={cn(
          'max-w-prose text-base font-medium',
          inverse ? 'text-white' : 'text-slate-900 dark:text-slate-100',
        )}
      >
        {title}
      </p>
      {children ? (
        <div className={cn('max-w-prose text-sm', inverse ? 'text-slate-200' : 'text-slate-700 dark:text-slate-300')}>
          {children}
        </div>
      ) : null}
      <p className={cn('text-sm', inverse ? 'text-slate-300' : 'text-slate-600 dark:text-slate-400')}>{status}</p>
    </div>
  );
}
