import type { ReactNode } from 'react';

interface PageHeaderProps {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  eyebrow?: string;
  /** Less room above the content (the chat page, where the message box must fit the first screen). */
  compact?: boolean;
}

/** The page's one `<h1>`, with an optional lead paragraph and actions. */
export function PageHeader({ title, description, actions, eyebrow, compact = false }: PageHeaderProps) {
  return (
    <div
      className={`${compact ? 'mb-4 gap-3' : 'mb-8 gap-4'} flex flex-col sm:flex-row sm:items-end sm:justify-between`}
    >
      <div className="max-w-3xl">
        {eyebrow ? (
          <p
            className={`${compact ? 'max-sm:hidden' : ''} mb-1 text-sm font-semibold tracking-wide text-teal-800 uppercase dark:text-teal-300`}
          >
            {eyebrow}
          </p>
        ) : null}
        <h1
          className={`${compact ? 'text-2xl sm:text-3xl' : 'text-3xl sm:text-4xl'} font-bold tracking-tight text-balance`}
        >
          {title}
        </h1>
        {description ? (
          <div
            className={`${compact ? 'mt-1 hidden text-base sm:block' : 'mt-3 text-lg'} text-slate-700 dark:text-slate-300`}
          >
            {description}
          </div>
        ) : null}
      </div>
      {actions ? <div className="flex shrink-0 flex-wrap gap-3">{actions}</div> : null}
    </div>
  );
}
