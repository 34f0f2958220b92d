import type { TriageLevelId } from '@medichat/shared';
import { AlertIcon, PhoneIcon } from '@/components/ui/icons';
import { useEmergencyNumber } from '@/config/server-config';

/**
 * Shown above the conversation when a message raised a red flag. `role="alert"`: screen readers
 * announce it as soon as it appears. The number is a `tel:` link, so one tap calls on a phone.
 */
export function UrgentBanner({ level }: { level: TriageLevelId }) {
  const number = useEmergencyNumber();
  const tel = `tel:${number.replace(/\s/g, '')}`;
  const emergency = level === 'emergency';
  return (
    <div
      role="alert"
      data-triage={level}
      className="flex shrink-0 flex-row items-center gap-2 rounded-xl border-2 border-red-700 bg-red-50 p-2.5 text-red-950 sm:gap-3 sm:p-4 dark:border-red-400 dark:bg-red-950/70 dark:text-red-50"
    >
      <AlertIcon className="hidden size-7 shrink-0 sm:block text-red-700 dark:text-red-300" />
      <div className="flex-1 space-y-1">
        <p className="text-sm font-bold sm:text-base">
          {emergency ? (
            <>This could be a medical emergency. Call {number} now.</>
          ) : (
            <>Please get medical help today. If it gets worse, call {number}.</>
          )}
        </p>
        <p className="hidden text-sm sm:block">
          {emergency
            ? 'Do not wait to see if it gets better, and do not drive yourself. Medichat cannot help in an emergency.'
            : 'Contact a doctor, an urgent-care service or your out-of-hours line.'}
        </p>
      </div>
      <a
        href={tel}
        className="inline-flex min-h-11 shrink-0 items-center justify-center gap-2 rounded-lg bg-red-700 px-3 sm:px-4 py-2 font-semibold text-white no-underline shadow-sm hover:bg-red-800 dark:bg-red-400 dark:text-slate-950 dark:hover:bg-red-300"
      >
        <PhoneIcon className="size-5" />
        Call {number}
      </a>
    </div>
  );
}
