import { useId, type ReactNode } from 'react';
import { cn } from '@/lib/cn';

interface PanelProps {
  title: string;
  /** Heading level inside the page outline (h2 by default). */
  level?: 2 | 3;
  icon?: ReactNode;
  actions?: ReactNode;
  className?: string;
  bodyClassName?: string;
  children: ReactNode;
}

/** A titled surface: a `<section>` labelled by its heading. */
export function Panel({ title, level = 2, icon, actions, className, bodyClassName, children }: PanelProps) {
  const headingId = useId();
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <section
      aria-labelledby={headingId}
      className={cn(
        'flex flex-col rounded-2xl border border-slate-200 bg-white shadow-sm dark:border-slate-800 dark:bg-slate-900',
        className,
      )}
    >
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 px-4 py-3 sm:px-5 sm:py-4 dark:border-slate-800">
        <Heading id={headingId} className="flex items-center gap-2 text-base font-semibold">
          {icon ? <span className="text-teal-700 dark:text-teal-300">{icon}</span> : null}
          {title}
        </Heading>
        {actions}
      </div>
      <div
        className={cn(
          'min-w-0 flex-1',
          // A body that sets its own padding replaces the default (cn does not merge classes).
          /(^|\s)p-\d/.test(bodyClassName ?? '') ? undefined : 'p-4 sm:p-5',
          bodyClassName,
        )}
      >
        {children}
      </div>
    </section>
  );
}
