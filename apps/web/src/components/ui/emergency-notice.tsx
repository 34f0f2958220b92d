import { useEmergencyNumber } from '@/config/server-config';
import { cn } from '@/lib/cn';
import { AlertIcon } from './icons';

interface EmergencyNoticeProps {
  className?: string;
  /** Compact: one line, for panes and footers. */
  compact?: boolean;
}

/** "Not a substitute for a doctor; in an emergency call <number>" — shown wherever advice is given. */
export function EmergencyNotice({ className, compact = false }: EmergencyNoticeProps) {
  const number = useEmergencyNumber();
  return (
    <div
      role="note"
      aria-label="Medical emergency notice"
      className={cn(
        'flex gap-3 rounded-xl border border-red-200 bg-red-50 text-red-950 dark:border-red-900 dark:bg-red-950/50 dark:text-red-50',
        compact ? 'items-center px-4 py-3 text-sm' : 'items-start p-5',
        className,
      )}
    >
      <AlertIcon className={cn('shrink-0 text-red-700 dark:text-red-300', compact ? 'size-5' : 'mt-0.5 size-6')} />
      {compact ? (
        <p>
          Not a substitute for a doctor. In an emergency call{' '}
          <a href={`tel:${number.replace(/\s/g, '')}`} className="font-bold underline underline-offset-2">
            {number}
          </a>
          .
        </p>
      ) : (
        <div className="space-y-1">
          <p className="font-semibold">
            Medichat is not a substitute for a doctor. In an emergency call{' '}
            <a href={`tel:${number.replace(/\s/g, '')}`} className="font-bold underline underline-offset-2">
              {number}
            </a>{' '}
            (or your local emergency number) now.
          </p>
          <p className="text-sm text-red-900 dark:text-red-100">
            It gives general health information, it does not diagnose, and it tells you plainly when something needs
            urgent care: chest pain, signs of a stroke, a severe allergic reaction, heavy bleeding or thoughts of
            suicide.
          </p>
        </div>
      )}
    </div>
  );
}
