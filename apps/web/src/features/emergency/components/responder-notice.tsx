import { useEmergencyNumber } from '@/config/server-config';
import { PhoneIcon } from '@/components/ui/icons';

/** For whoever scanned the card: call for help first, read second. */
export function ResponderNotice({ number: given }: { number?: string }) {
  const fallback = useEmergencyNumber();
  const number = given ?? fallback;
  return (
    <div
      role="note"
      aria-label="What to do first"
      className="flex flex-row items-center justify-between gap-3 rounded-2xl border border-red-200 bg-red-50 p-3 text-red-950 sm:gap-4 sm:p-5 dark:border-red-900 dark:bg-red-950/50 dark:text-red-50"
    >
      <div className="space-y-1">
        <p className="text-base font-bold sm:text-xl">If this person is unwell or injured, call {number} now.</p>
        <p className="hidden text-red-900 sm:block dark:text-red-100">
          Stay with them and give this information to the emergency services when they arrive.
        </p>
      </div>
      <a
        href={`tel:${number.replace(/\s/g, '')}`}
        className="inline-flex min-h-12 shrink-0 items-center justify-center gap-2 rounded-xl bg-red-700 px-4 sm:min-h-14 sm:px-8 text-xl font-bold text-white no-underline hover:bg-red-800 dark:bg-red-400 dark:text-slate-950 dark:hover:bg-red-300"
      >
        <PhoneIcon className="size-6" />
        Call {number}
      </a>
    </div>
  );
}
