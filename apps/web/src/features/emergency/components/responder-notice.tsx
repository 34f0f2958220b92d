import { env } from '@/config/env';
import { PhoneIcon } from '@/components/ui/icons';

/** For whoever scanned the card: call for help first, read second. */
export function ResponderNotice() {
  const number = env.emergencyNumber;
  return (
    <div
      role="note"
      aria-label="What to do first"
      className="flex flex-col gap-4 rounded-2xl border border-red-200 bg-red-50 p-5 text-red-950 sm:flex-row sm:items-center sm:justify-between dark:border-red-900 dark:bg-red-950/50 dark:text-red-50"
    >
      <div className="space-y-1">
        <p className="text-lg font-bold">If this person is unwell or injured, call {number} now.</p>
        <p className="text-sm text-red-900 dark:text-red-100">
          Stay with them and give this information to the emergency services when they arrive.
        </p>
      </div>
      <a
        href={`tel:${number.replace(/\s/g, '')}`}
        className="inline-flex min-h-12 shrink-0 items-center justify-center gap-2 rounded-lg bg-red-700 px-6 font-semibold text-white no-underline hover:bg-red-800 dark:bg-red-400 dark:text-slate-950 dark:hover:bg-red-300"
      >
        <PhoneIcon />
        Call {number}
      </a>
    </div>
  );
}
