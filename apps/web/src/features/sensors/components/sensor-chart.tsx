import { useId, useMemo, useState } from 'react';
import uPlot from 'uplot';
import { READING_TYPE_INFO, type ReadingBucket, type ReadingBucketOut, type ReadingType } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { ChartIcon } from '@/components/ui/icons';
import { Panel } from '@/components/ui/panel';
import { useTheme, type ResolvedTheme } from '@/lib/theme';
import {
  RANGES,
  bucketFor,
  describeSeries,
  displayUnit,
  isTotal,
  safeRangeOf,
  toSeries,
  type ChartSeries,
  type RangeKey,
} from '../lib/chart-data';
import { UPlotChart } from './uplot-chart';
import { SensorTable } from './sensor-table';

const PALETTE: Record<
  ResolvedTheme,
  {
    line: string;
    band: string;
    line2: string;
    band2: string;
    out: string;
    safe: string;
    safeFill: string;
    axis: string;
    grid: string;
  }
> = {
  light: {
    line: '#0f766e',
    band: 'rgba(15,118,110,0.18)',
    line2: '#4338ca',
    band2: 'rgba(67,56,202,0.14)',
    out: '#b91c1c',
    safe: '#15803d',
    safeFill: 'rgba(22,163,74,0.08)',
    axis: '#334155',
    grid: 'rgba(100,116,139,0.22)',
  },
  dark: {
    line: '#5eead4',
    band: 'rgba(94,234,212,0.2)',
    line2: '#a5b4fc',
    band2: 'rgba(165,180,252,0.18)',
    out: '#f87171',
    safe: '#4ade80',
    safeFill: 'rgba(74,222,128,0.08)',
    axis: '#cbd5e1',
    grid: 'rgba(148,163,184,0.2)',
  },
};

const BUCKET_WORDS: Record<ReadingBucket, string> = {
  '1m': 'per minute',
  '5m': 'per 5 minutes',
  '15m': 'per 15 minutes',
  '1h': 'per hour',
  '6h': 'per 6 hours',
  '1d': 'per day',
  '1w': 'per week',
};

/** uPlot options for one type: avg line in its min–max band, safe range shaded, out-of-range points. */
function chartOptions(type: ReadingType, theme: ResolvedTheme): Omit<uPlot.Options, 'width' | 'height'> {
  const c = PALETTE[theme];
  const safe = safeRangeOf(type);
  const unit = displayUnit(type);
  const axis = { stroke: c.axis, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid, width: 1 } };
  const total = isTotal(type);
  const bp = type === 'blood_pressure';
  const series: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  if (total) {
    series.push({
      label: 'Total',
      stroke: c.line,
      fill: c.band,
      width: 1,
      paths: uPlot.paths.bars!({ size: [0.7, 48] }),
      points: { show: false },
    });
  } else {
    series.push(
      { label: 'Lowest', stroke: 'transparent', width: 0, points: { show: false } },
      { label: 'Highest', stroke: 'transparent', width: 0, points: { show: false } },
      { label: bp ? 'Systolic average' : 'Average', stroke: c.line, width: 2, points: { show: false } },
    );
    bands.push({ series: [2, 1], fill: c.band });
    if (bp) {
      series.push(
        { label: 'Diastolic lowest', stroke: 'transparent', width: 0, points: { show: false } },
        { label: 'Diastolic highest', stroke: 'transparent', width: 0, points: { show: false } },
        { label: 'Diastolic average', stroke: c.line2, width: 2, points: { show: false } },
      );
      bands.push({ series: [5, 4], fill: c.band2 });
    }
  }
  series.push({
    label: 'Outside the safe range',
    stroke: c.out,
    fill: c.out,
    width: 0,
    paths: () => null,
    points: { show: true, size: 9, stroke: c.out, fill: c.out, width: 1 },
  });
  const limits = safe ? [safe.low, safe.high, safe.low2, safe.high2].filter((v): v is number => v !== undefined) : [];
  return {
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true },
      y: {
        range: (_u, min, max) => {
          // The safe limits stay in view, so a reading is always seen against them.
          const lo = Math.min(total ? 0 : min, ...limits);
          const hi = Math.max(max, ...limits);
          const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
          return [total ? 0 : lo - pad, hi + pad];
        },
      },
    },
    axes: [
      { ...axis },
      { ...axis, size: 52, values: (_u, ticks) => ticks.map((t) => `${t}`), label: unit, labelSize: 18 },
    ],
    series,
    bands,
    hooks: {
      // Under the series: the safe range as a shaded band with dashed edges.
      drawClear: [
        (u) => {
          if (!safe) return;
          const { ctx } = u;
          const { left, width, top, height } = u.bbox;
          const y = (v: number) => u.valToPos(v, 'y', true);
          ctx.save();
          ctx.beginPath();
          ctx.rect(left, top, width, height);
          ctx.clip();
          const pairs: Array<[number | undefined, number | undefined]> = [[safe.low, safe.high]];
          if (bp) pairs.push([safe.low2, safe.high2]);
          for (const [lo, hi] of pairs) {
            const yTop = hi !== undefined ? y(hi) : top;
            const yBottom = lo !== undefined ? y(lo) : top + height;
            ctx.fillStyle = c.safeFill;
            ctx.fillRect(left, Math.min(yTop, yBottom), width, Math.abs(yBottom - yTop));
            ctx.strokeStyle = c.safe;
            ctx.lineWidth = Math.max(1, devicePixelRatio);
            ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
            for (const v of [lo, hi]) {
              if (v === undefined) continue;
              ctx.beginPath();
              ctx.moveTo(left, y(v));
              ctx.lineTo(left + width, y(v));
              ctx.stroke();
            }
          }
          ctx.restore();
        },
      ],
    },
  };
}

function chartData(type: ReadingType, s: ChartSeries): uPlot.AlignedData {
  if (s.total) return [s.x, s.total, s.out];
  if (type === 'blood_pressure') return [s.x, s.min, s.max, s.mean, s.min2!, s.max2!, s.mean2!, s.out];
  return [s.x, s.min, s.max, s.mean, s.out];
}

/** A swatch for the key under the chart (decorative: the text says what it is). */
function Swatch({ kind, color }: { kind: 'line' | 'band' | 'dot' | 'dash'; color: string }) {
  const style =
    kind === 'line'
      ? { height: 3, background: color }
      : kind === 'band'
        ? { height: 10, background: color }
        : kind === 'dash'
          ? { height: 0, borderTop: `2px dashed ${color}` }
          : { height: 9, width: 9, borderRadius: 9999, background: color };
  return <span aria-hidden="true" className="inline-block w-5 shrink-0 align-middle" style={style} />;
}

interface SensorChartProps {
  type: ReadingType;
  range: RangeKey;
  buckets: readonly ReadingBucketOut[];
}

/** One reading type over the chosen range: the chart (or its table), the key and the safe range's source. */
export function SensorChart({ type, range, buckets }: SensorChartProps) {
  const { resolved } = useTheme();
  const [asTable, setAsTable] = useState(false);
  const tableId = useId();
  const info = READING_TYPE_INFO[type];
  const bucket = bucketFor(type, range);
  const series = useMemo(() => toSeries(type, buckets, bucket), [type, buckets, bucket]);
  const options = useMemo(() => chartOptions(type, resolved), [type, resolved]);
  const data = useMemo(() => chartData(type, series), [type, series]);
  const safe = safeRangeOf(type);
  const c = PALETTE[resolved];
  const total = isTotal(type);
  const outs = series.out.filter((v) => v !== null).length;
  const caption = `${info.label}, ${RANGES[range].long}, ${total ? 'total ' : ''}${BUCKET_WORDS[bucket]} (${displayUnit(type)})`;

  return (
    <Panel
      title={info.label}
      level={3}
      icon={<ChartIcon />}
      actions={
        <Button
          variant="secondary"
          aria-pressed={asTable}
          aria-controls={asTable ? tableId : undefined}
          onClick={() => setAsTable((v) => !v)}
        >
          {asTable ? 'Show as chart' : 'Show as table'}
        </Button>
      }
    >
      <div data-testid={`sensor-chart-${type}`} data-buckets={buckets.length}>
        {asTable ? (
          <SensorTable id={tableId} type={type} bucket={bucket} buckets={buckets} series={series} caption={caption} />
        ) : (
          <UPlotChart options={options} data={data} label={describeSeries(type, range, series)} height={220} />
        )}
        <ul className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700 dark:text-slate-300">
          {total ? (
            <li className="flex items-center gap-1.5">
              <Swatch kind="band" color={c.band} />
              Total {BUCKET_WORDS[bucket]}
            </li>
          ) : (
            <>
              <li className="flex items-center gap-1.5">
                <Swatch kind="line" color={c.line} />
                {type === 'blood_pressure' ? 'Systolic average' : 'Average'}
              </li>
              <li className="flex items-center gap-1.5">
                <Swatch kind="band" color={c.band} />
                Lowest to highest {BUCKET_WORDS[bucket]}
              </li>
              {type === 'blood_pressure' ? (
                <li className="flex items-center gap-1.5">
                  <Swatch kind="line" color={c.line2} />
                  Diastolic average
                </li>
              ) : null}
            </>
          )}
          {safe ? (
            <li className="flex items-center gap-1.5">
              <Swatch kind="dash" color={c.safe} />
              Safe range
            </li>
          ) : null}
          {safe ? (
            <li className="flex items-center gap-1.5">
              <Swatch kind="dot" color={c.out} />
              Outside it ({outs})
            </li>
          ) : null}
        </ul>
        {safe ? (
          <p className="mt-2 text-xs text-slate-700 dark:text-slate-300">
            Safe range: {safe.text}. Source: {safe.source}.
          </p>
        ) : (
          <p className="mt-2 text-xs text-slate-700 dark:text-slate-300">
            No safe range is marked: there is no single normal value for {info.label.toLowerCase()}.
          </p>
        )}
      </div>
    </Panel>
  );
}
