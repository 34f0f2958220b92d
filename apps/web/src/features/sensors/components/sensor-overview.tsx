import { useQueries } from '@tanstack/react-query';
import { useState } from 'react';
import { READING_TYPE_INFO } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { ComingSoon } from '@/components/ui/coming-soon';
import { FormAlert } from '@/components/ui/form';
import { ChartIcon } from '@/components/ui/icons';
import { cn } from '@/lib/cn';
import { getBuckets, sensorsQueryKey } from '../api/get-readings';
import { CHART_TYPES, RANGES, type RangeKey } from '../lib/chart-data';
import { SensorChart } from './sensor-chart';

/**
 * The patient's charts over 24 h, 7 d or 30 d: one per reading type that has data in the range,
 * each from the server's downsampled buckets. Loading, error (per type, with a retry) and empty
 * states are stated in words.
 */
export function SensorOverview() {
  const [range, setRange] = useState<RangeKey>('7d');
  const queries = useQueries({
    queries: CHART_TYPES.map((type) => ({
      queryKey: [...sensorsQueryKey, 'buckets', type, range],
      queryFn: ({ signal }: { signal: AbortSignal }) => getBuckets(type, range, signal),
      staleTime: 60_000,
    })),
  });
  const pending = queries.some((q) => q.isPending);
  const failed = CHART_TYPES.filter((_, i) => queries[i]!.isError);
  const shown = CHART_TYPES.map((type, i) => ({ type, buckets: queries[i]!.data ?? [] })).filter(
    (x) => x.buckets.length > 0,
  );

  return (
    <section aria-labelledby="sensor-charts-heading" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="sensor-charts-heading" className="text-lg font-semibold">
          Your readings
        </h2>
        <div
          role="group"
          aria-label="Time range"
          className="inline-flex rounded-lg border border-slate-300 p-0.5 dark:border-slate-600"
        >
          {(Object.keys(RANGES) as RangeKey[]).map((key) => (
            <button
              key={key}
              type="button"
              aria-pressed={range === key}
              onClick={() => setRange(key)}
              className={cn(
                'min-h-11 min-w-14 rounded-md px-3 text-sm font-semibold',
                range === key
                  ? 'bg-teal-700 text-white dark:bg-teal-400 dark:text-slate-950'
                  : 'text-slate-800 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800',
              )}
            >
              <span className="sr-only">Last </span>
              {RANGES[key].label}
            </button>
          ))}
        </div>
      </div>

      {failed.length ? (
        <FormAlert>
          <p>
            Could not load {failed.map((t) => READING_TYPE_INFO[t].label.toLowerCase()).join(', ')}.{' '}
            <Button
              variant="ghost"
              className="min-h-0 px-1 py-0 underline"
              onClick={() => {
                for (const [i] of CHART_TYPES.entries()) if (queries[i]!.isError) void queries[i]!.refetch();
              }}
            >
              Try again
            </Button>
          </p>
        </FormAlert>
      ) : null}

      {shown.length ? (
        <div className="grid gap-6 lg:grid-cols-2" data-testid="sensor-charts">
          {shown.map(({ type, buckets }) => (
            <SensorChart key={type} type={type} range={range} buckets={buckets} />
          ))}
        </div>
      ) : pending ? (
        <p role="status" className="text-slate-700 dark:text-slate-300">
          Loading your readings…
        </p>
      ) : failed.length === CHART_TYPES.length ? null : (
        <ComingSoon
          icon={<ChartIcon />}
          title={`No readings in ${RANGES[range].long}.`}
          status="Import an export from your phone below, or choose a longer range."
        />
      )}
      {shown.length && pending ? (
        <p role="status" className="text-sm text-slate-700 dark:text-slate-300">
          Loading more readings…
        </p>
      ) : null}
    </section>
  );
}
