/** The Medichat mark: a speech bubble with a medical cross. */
export function LogoMark({ className = 'size-8' }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" focusable="false" className={className}>
      <rect width="32" height="32" rx="8" className="fill-teal-700 dark:fill-teal-400" />
      <path
        d="M8 9.5A2.5 2.5 0 0 1 10.5 7h11A2.5 2.5 0 0 1 24 9.5v9a2.5 2.5 0 0 1-2.5 2.5H14l-4.5 4v-4A1.5 1.5 0 0 1 8 19.5z"
        className="fill-white dark:fill-slate-950"
      />
      <path d="M14.5 10.5h3v2.5H20v3h-2.5v2.5h-3V16H12v-3h2.5z" className="fill-teal-700 dark:fill-teal-400" />
    </svg>
  );
}
