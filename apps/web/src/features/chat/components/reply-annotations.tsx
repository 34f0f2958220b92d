import type { Citation, SafetyWarning } from '@medichat/shared';
import { AlertIcon } from '@/components/ui/icons';
import { cn } from '@/lib/cn';

const SEVERITY_LABEL: Record<SafetyWarning['severity'], string> = {
  contraindicated: 'Do not combine',
  major: 'Serious',
  moderate: 'Caution',
  minor: 'Note',
};

/**
 * Medication-safety warnings of a reply, shown ABOVE its text: they come from the deterministic
 * checker (card, conversation and the reply itself), not from the model, and each names its source.
 */
export function SafetyWarnings({ warnings }: { warnings: SafetyWarning[] }) {
  if (warnings.length === 0) return null;
  return (
    <section
      aria-label="Medication safety"
      data-testid="safety-warnings"
      className="mb-3 space-y-2 rounded-xl border-2 border-red-700 bg-red-50 p-3 text-sm text-red-950 dark:border-red-400 dark:bg-red-950/60 dark:text-red-50"
    >
      <h3 className="flex items-center gap-1.5 font-semibold">
        <AlertIcon className="size-4 shrink-0" />
        Medication safety check
      </h3>
      <ul className="space-y-2">
        {warnings.map((w) => (
          <li key={w.id} data-severity={w.severity} data-kind={w.kind}>
            <p>
              <span
                className={cn(
                  'mr-2 rounded-full px-2 py-0.5 text-xs font-semibold',
                  w.severity === 'contraindicated' || w.severity === 'major'
                    ? 'bg-red-700 text-white dark:bg-red-300 dark:text-red-950'
                    : 'bg-amber-200 text-amber-950',
                )}
              >
                {SEVERITY_LABEL[w.severity]}
              </span>
              <strong>{w.what}.</strong> {w.why}
            </p>
            <p className="mt-0.5">{w.advice}</p>
            <p className="mt-0.5 text-xs">
              Source:{' '}
              {w.source.url ? (
                <a href={w.source.url} target="_blank" rel="noopener noreferrer" className="underline">
                  {w.source.name}
                </a>
              ) : (
                w.source.name
              )}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The vetted entries a reply was grounded on, numbered as the reply cites them ([1], [2]…). */
export function Citations({ citations }: { citations: Citation[] }) {
  if (citations.length === 0) return null;
  return (
    <section aria-label="Sources" data-testid="citations" className="mt-2 text-xs text-slate-700 dark:text-slate-300">
      <h3 className="font-semibold">Sources</h3>
      <ol className="list-decimal pl-5">
        {citations.map((c) => (
          <li key={c.id}>
            <a href={c.url} target="_blank" rel="noopener noreferrer" className="underline">
              {c.title}
            </a>{' '}
            — {c.sourceName}
          </li>
        ))}
      </ol>
    </section>
  );
}
