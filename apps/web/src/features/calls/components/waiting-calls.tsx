import { useId } from 'react';
import type { WaitingCall } from '@medichat/shared';
import { Button } from '@/components/ui/button';

/** Clinicians: the calls waiting to be answered, oldest first, live. */
export function WaitingCallsList({
  calls,
  online,
  disabled,
  onAnswer,
}: {
  calls: WaitingCall[];
  online: boolean;
  disabled: boolean;
  onAnswer: (callId: string) => void;
}) {
  const headingId = useId();
  return (
    <div className="flex flex-col gap-2">
      <h3 id={headingId} className="text-sm font-semibold">
        Waiting calls
      </h3>
      {!online ? (
        <p className="text-sm text-slate-700 dark:text-slate-300">Not connected to the call service.</p>
      ) : calls.length === 0 ? (
        <p className="text-sm text-slate-700 dark:text-slate-300">Nobody is waiting.</p>
      ) : (
        <ul aria-labelledby={headingId} className="flex flex-col gap-2">
          {calls.map((call) => (
            <li
              key={call.id}
              className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-slate-200 px-3 py-2 dark:border-slate-700"
            >
              <span className="min-w-0 text-sm">
                <span className="font-medium break-words">{call.patientName}</span>
                <span className="block text-xs text-slate-700 dark:text-slate-300">
                  waiting since{' '}
                  <time dateTime={call.requestedAt}>{new Date(call.requestedAt).toLocaleTimeString()}</time>
                </span>
              </span>
              <Button disabled={disabled} onClick={() => onAnswer(call.id)} aria-label={`Answer ${call.patientName}`}>
                Answer
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
