import type { Bmi } from '@medichat/shared';
import { cn } from '@/lib/cn';
import type { LiveBmi } from '../lib/bmi';
import { BMI_CATEGORY_LABELS } from '../lib/labels';

const CATEGORY_TONE: Record<string, string> = {
  underweight: 'bg-amber-100 text-amber-950 dark:bg-amber-900/60 dark:text-amber-50',
  normal: 'bg-teal-100 text-teal-950 dark:bg-teal-900/60 dark:text-teal-50',
  overweight: 'bg-amber-100 text-amber-950 dark:bg-amber-900/60 dark:text-amber-50',
  obese: 'bg-red-100 text-red-950 dark:bg-red-900/60 dark:text-red-50',
};

export function BmiCategoryBadge({ bmi }: { bmi: Bmi }) {
  if (!bmi.category) {
    return <span className="text-sm text-slate-700 dark:text-slate-300">No adult category under 18</span>;
  }
  return (
    <span className={cn('rounded-full px-2.5 py-0.5 text-sm font-semibold', CATEGORY_TONE[bmi.category])}>
      {BMI_CATEGORY_LABELS[bmi.category]}
    </span>
  );
}

/**
 * The BMI as the user types (worked out here with the server's formula and rounding), next to the
 * saved value when they differ. Announced politely to screen readers.
 */
export function BmiReadout({ live, saved, dirty }: { live: LiveBmi; saved: Bmi | null; dirty: boolean }) {
  return (
    <div
      className="rounded-xl border border-slate-200 bg-slate-50 p-4 dark:border-slate-700 dark:bg-slate-950/50"
      data-testid="bmi-readout"
    >
      <p className="text-sm font-semibold text-slate-800 dark:text-slate-200">Body-mass index (BMI)</p>
      <div role="status" aria-live="polite" aria-atomic="true" className="mt-1">
        {live.kind === 'ok' ? (
          <p className="flex flex-wrap items-center gap-3">
            <span className="text-3xl font-bold tabular-nums" data-testid="bmi-value">
              {live.bmi.value.toFixed(1)}
            </span>
            <span className="text-sm text-slate-700 dark:text-slate-300">kg/m²</span>
            <BmiCategoryBadge bmi={live.bmi} />
            <span className="sr-only">{dirty ? ' (not saved yet)' : ''}</span>
          </p>
        ) : live.kind === 'implausible' ? (
          <p className="font-medium text-red-800 dark:text-red-300">
            Check your height and weight: together they give a BMI of {live.value.toFixed(1)}, which is not possible.
          </p>
        ) : (
          <p className="text-slate-700 dark:text-slate-300">Enter your height and weight to see it.</p>
        )}
      </div>
      <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
        {dirty && saved
          ? `Saved value: ${saved.value.toFixed(1)}. The new value is worked out again by Medichat when you save.`
          : 'WHO adult categories. A guide only: it does not account for muscle, age or build.'}
      </p>
    </div>
  );
}
