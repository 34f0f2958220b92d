import type { ReadingBucket, ReadingBucketOut, ReadingType } from '@medichat/shared';
import { displayUnit, displayValue, type ChartSeries } from '../lib/chart-data';

interface SensorTableProps {
  id: string;
  type: ReadingType;
  bucket: ReadingBucket;
  buckets: readonly ReadingBucketOut[];
  series: ChartSeries;
  caption: string;
}

const cell = 'px-3 py-1.5 text-right tabular-nums';
const head = 'px-3 py-2 text-right font-semibold';

/** The chart's numbers as a real table: one row per bucket, newest last, flags in words. */
export function SensorTable({ id, type, bucket, buckets, series, caption }: SensorTableProps) {
  const byDay = bucket === '1d' || bucket === '1w';
  const time = new Intl.DateTimeFormat(
    undefined,
    byDay ? { dateStyle: 'medium' } : { dateStyle: 'short', timeStyle: 'short' },
  );
  const unit = displayUnit(type);
  const total = series.total !== undefined;
  const bp = type === 'blood_pressure';
  const flagText = (i: number, b: ReadingBucketOut) => {
    if (total) return series.out[i] !== null ? 'Below the safe range' : '';
    return b.flag === 'high' ? 'Above the safe range' : b.flag === 'low' ? 'Below the safe range' : '';
  };
  return (
    <div
      role="region"
      aria-labelledby={`${id}-caption`}
      tabIndex={0}
      className="max-h-80 overflow-auto rounded-lg border border-slate-200 focus-visible:outline-2 dark:border-slate-700"
    >
      <table id={id} className="w-full text-sm">
        <caption id={`${id}-caption`} className="px-3 py-2 text-left text-sm font-medium">
          {caption}
        </caption>
        <thead className="sticky top-0 bg-slate-100 dark:bg-slate-800">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-semibold">
              {byDay ? 'Day' : 'From'}
            </th>
            {total ? (
              <th scope="col" className={head}>
                Total ({unit})
              </th>
            ) : (
              <>
                <th scope="col" className={head}>
                  {bp ? 'Systolic lowest' : 'Lowest'}
                </th>
                <th scope="col" className={head}>
                  {bp ? 'Systolic average' : 'Average'}
                </th>
                <th scope="col" className={head}>
                  {bp ? 'Systolic highest' : 'Highest'}
                </th>
                {bp ? (
                  <>
                    <th scope="col" className={head}>
                      Diastolic lowest
                    </th>
                    <th scope="col" className={head}>
                      Diastolic average
                    </th>
                    <th scope="col" className={head}>
                      Diastolic highest
                    </th>
                  </>
                ) : null}
              </>
            )}
            <th scope="col" className={head}>
              Readings
            </th>
            <th scope="col" className="px-3 py-2 text-left font-semibold">
              Safe range
            </th>
          </tr>
        </thead>
        <tbody>
          {buckets.map((b, i) => (
            <tr key={b.start} className="border-t border-slate-200 dark:border-slate-700">
              <th scope="row" className="px-3 py-1.5 text-left font-normal whitespace-nowrap">
                <time dateTime={b.start}>{time.format(new Date(b.start))}</time>
              </th>
              {total ? (
                <td className={cell}>{series.total![i]}</td>
              ) : (
                <>
                  <td className={cell}>{series.min[i]}</td>
                  <td className={cell}>{series.mean[i]}</td>
                  <td className={cell}>{series.max[i]}</td>
                  {bp ? (
                    <>
                      <td className={cell}>{b.diastolic ? displayValue(type, b.diastolic.min) : '–'}</td>
                      <td className={cell}>{b.diastolic ? displayValue(type, b.diastolic.mean) : '–'}</td>
                      <td className={cell}>{b.diastolic ? displayValue(type, b.diastolic.max) : '–'}</td>
                    </>
                  ) : null}
                </>
              )}
              <td className={cell}>{b.count}</td>
              <td className="px-3 py-1.5 text-left font-medium text-red-800 dark:text-red-300">{flagText(i, b)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
