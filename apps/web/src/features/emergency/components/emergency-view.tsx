import { ComingSoon } from '@/components/ui/coming-soon';
import { ShieldIcon } from '@/components/ui/icons';

const SHOWN = ['Allergies and reactions', 'Conditions', 'Medications and doses', 'Blood type', 'Emergency contacts'];

/** What a responder sees after scanning a card's QR: read-only, only the fields the owner shared. */
export function EmergencyView() {
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
      <ComingSoon
        icon={<ShieldIcon className="size-6" />}
        title="The card holder's emergency information will appear here."
        status="Coming soon: the emergency view. This link is not checked yet."
      >
        <p>Read-only. Only the fields the card holder chose to share are shown, and every view is recorded.</p>
      </ComingSoon>
      <section
        aria-labelledby="emergency-fields"
        className="rounded-2xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900"
      >
        <h2 id="emergency-fields" className="font-semibold">
          What it can show
        </h2>
        <ul className="mt-3 list-disc space-y-1 pl-5 text-sm text-slate-700 dark:text-slate-300">
          {SHOWN.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      </section>
    </div>
  );
}
