/**
 * From the server's buckets (min/mean/max per bucket, `GET /api/sensors?bucket=`) to what a chart
 * and its table show. Pure, so it is unit-tested without a browser.
 *
 * Point readings (heart rate, SpO2, blood pressure, …) are drawn as the mean line inside the
 * min–max band. Interval readings (steps, sleep) are totals: a bucket's sum is `mean × count`, so a
 * day's steps are the day's total, not the mean of its hourly records.
 */
import {
  READING_BUCKETS,
  READING_TYPE_INFO,
  type ReadingBucket,
  type ReadingBucketOut,
  type ReadingType,
} from '@medichat/shared';

export const RANGES = {
  '24h': { label: '24 h', long: 'the last 24 hours', ms: 86_400_000 },
  '7d': { label: '7 days', long: 'the last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: '30 days', long: 'the last 30 days', ms: 30 * 86_400_000 },
} as const;
export type RangeKey = keyof typeof RANGES;

/** Charted in this order; every type the API stores. */
export const CHART_TYPES: readonly ReadingType[] = [
  'heart_rate',
  'blood_pressure',
  'spo2',
  'steps',
  'sleep',
  'body_weight',
  'glucose',
  'body_temperature',
  'respiratory_rate',
];

export const isTotal = (type: ReadingType) => READING_TYPE_INFO[type].interval;

/**
 * The bucket per range: a few hundred points at most (a 30-day, once-a-minute heart rate is 43,200
 * readings; 6 h buckets make 120). Totals (steps, sleep) by hour over a day, by day beyond.
 */
export function bucketFor(type: ReadingType, range: RangeKey): ReadingBucket {
  if (isTotal(type)) return range === '24h' ? '1h' : '1d';
  return range === '24h' ? '15m' : range === '7d' ? '1h' : '6h';
}

/** `from`/`to` of a range ending now, `to` aligned up to the bucket so buckets do not shift every second. */
export function rangeWindow(range: RangeKey, bucket: ReadingBucket, now = Date.now()): { from: string; to: string } {
  const size = READING_BUCKETS[bucket];
  const to = Math.ceil(now / size) * size;
  return { from: new Date(to - RANGES[range].ms).toISOString(), to: new Date(to).toISOString() };
}

export interface ChartSeries {
  /** Seconds since the epoch (uPlot's x unit). */
  x: number[];
  mean: number[];
  min: number[];
  max: number[];
  /** Blood pressure: the diastolic, likewise. */
  mean2?: number[];
  min2?: number[];
  max2?: number[];
  /** The extreme value of a bucket outside the safe range, else null (drawn as a marker). */
  out: Array<number | null>;
  /** Totals (steps, sleep): `mean × count` per bucket. */
  total?: number[];
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Digits shown for a type's values (weight 65.2, temperature 36.8, heart rate 72). */
export function digitsOf(type: ReadingType): number {
  return type === 'body_weight' || type === 'body_temperature' ? 1 : 0;
}

/** A value in the type's display unit: sleep minutes as hours. */
export function displayValue(type: ReadingType, v: number): number {
  return type === 'sleep' ? round(v / 60, 1) : round(v, digitsOf(type));
}

export function displayUnit(type: ReadingType): string {
  return type === 'sleep' ? 'h' : READING_TYPE_INFO[type].unitLabel;
}

export function toSeries(type: ReadingType, buckets: readonly ReadingBucketOut[], bucket: ReadingBucket): ChartSeries {
  const s: ChartSeries = { x: [], mean: [], min: [], max: [], out: [] };
  const bp = type === 'blood_pressure';
  if (bp) Object.assign(s, { mean2: [], min2: [], max2: [] });
  if (isTotal(type)) s.total = [];
  for (const b of buckets) {
    s.x.push(Date.parse(b.start) / 1000);
    s.mean.push(displayValue(type, b.mean));
    s.min.push(displayValue(type, b.min));
    s.max.push(displayValue(type, b.max));
    if (bp) {
      s.mean2!.push(b.diastolic?.mean ?? NaN);
      s.min2!.push(b.diastolic?.min ?? NaN);
      s.max2!.push(b.diastolic?.max ?? NaN);
    }
    s.total?.push(displayValue(type, b.mean * b.count));
    s.out.push(
      isTotal(type)
        ? null
        : b.flag === 'high'
          ? displayValue(type, b.max)
          : b.flag === 'low'
            ? displayValue(type, b.min)
            : null,
    );
  }
  // Totals are judged on a day's total (a night's sleep), not on single records or hours.
  const safe = READING_TYPE_INFO[type].safe;
  if (s.total && bucket === '1d' && safe?.low !== undefined) {
    const low = displayValue(type, safe.low);
    s.out = s.total.map((t) => (t < low ? t : null));
  }
  return s;
}

/** The safe range in display units, with its source, or null when the type has none. */
export function safeRangeOf(type: ReadingType): {
  low?: number;
  high?: number;
  low2?: number;
  high2?: number;
  text: string;
  source: string;
} | null {
  const safe = READING_TYPE_INFO[type].safe;
  if (!safe) return null;
  const unit = displayUnit(type);
  const v = (x: number | undefined) => (x === undefined ? undefined : displayValue(type, x));
  const [low, high, low2, high2] = [v(safe.low), v(safe.high), v(safe.low2), v(safe.high2)];
  const span = (a?: number, b?: number) =>
    a !== undefined && b !== undefined ? `${a}–${b}` : a !== undefined ? `${a} or more` : `up to ${b}`;
  const text =
    type === 'blood_pressure'
      ? `systolic ${span(low, high)}, diastolic ${span(low2, high2)} ${unit}`
      : `${span(low, high)} ${unit}${isTotal(type) ? ' a night' : ''}`;
  return { low, high, low2, high2, text, source: safe.source };
}

/** One line for the chart's accessible name: what, how many buckets, latest and range. */
export function describeSeries(type: ReadingType, range: RangeKey, s: ChartSeries): string {
  const info = READING_TYPE_INFO[type];
  const unit = displayUnit(type);
  const n = s.x.length;
  if (!n) return `${info.label}: no readings in ${RANGES[range].long}.`;
  const outs = s.out.filter((v) => v !== null).length;
  if (s.total) {
    const last = s.total.at(-1)!;
    return `${info.label} over ${RANGES[range].long}: ${n} periods, latest total ${last} ${unit}${outs ? `, ${outs} below the safe range` : ''}.`;
  }
  const lo = Math.min(...s.min);
  const hi = Math.max(...s.max);
  const last =
    type === 'blood_pressure' && s.mean2 ? `${s.mean.at(-1)}/${Math.round(s.mean2.at(-1)!)}` : String(s.mean.at(-1));
  return `${info.label} over ${RANGES[range].long}: ${n} periods, from ${lo} to ${hi} ${unit}, latest average ${last} ${unit}${outs ? `, ${outs} outside the safe range` : ''}.`;
}
