import { useEffect, useId, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { LossPoint } from '@medichat/shared';

const TRAIN = '#0f766e'; // teal-700
const EVAL = '#c2410c'; // orange-700
const AXIS = '#64748b'; // slate-500: readable on the light and the dark panel

/** One x axis (training steps) for both series; a step without a value is a gap (eval is sparser). */
export function alignSeries(
  loss: LossPoint[],
  evalLoss: LossPoint[],
): [steps: number[], train: Array<number | null>, held: Array<number | null>] {
  const steps = [...new Set([...loss, ...evalLoss].map((p) => p.step))].sort((a, b) => a - b);
  const train = new Map(loss.map((p) => [p.step, p.value]));
  const held = new Map(evalLoss.map((p) => [p.step, p.value]));
  return [steps, steps.map((s) => train.get(s) ?? null), steps.map((s) => held.get(s) ?? null)];
}

/**
 * The loss chart of a fine-tune: training loss and held-out (eval) loss against the step, drawn
 * with uPlot (the one chart library of the web app: small, canvas, fast on live updates; the sensor
 * charts use it too). The canvas is described for screen readers by a summary, and the numbers
 * are in a table below it.
 */
export function LossChart({
  loss,
  evalLoss,
  baseEvalLoss,
}: {
  loss: LossPoint[];
  evalLoss: LossPoint[];
  baseEvalLoss: number | null;
}) {
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useMemo(() => alignSeries(loss, evalLoss), [loss, evalLoss]);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: 240,
        scales: { x: { time: false } },
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        axes: [
          { stroke: AXIS, grid: { stroke: 'rgba(100,116,139,0.2)' }, label: 'Step' },
          { stroke: AXIS, grid: { stroke: 'rgba(100,116,139,0.2)' }, label: 'Loss' },
        ],
        series: [
          {},
          { label: 'Training loss', stroke: TRAIN, width: 2, spanGaps: true },
          { label: 'Held-out loss', stroke: EVAL, width: 2, dash: [6, 4], spanGaps: true, points: { show: true } },
        ],
      },
      latest.current as uPlot.AlignedData,
      el,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(280, el.clientWidth), height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  const lastTrain = loss.at(-1);
  const lastEval = evalLoss.at(-1);
  const summary =
    loss.length === 0
      ? 'No loss measured yet.'
      : `Training loss ${loss[0]!.value.toFixed(3)} at step ${loss[0]!.step}, ${lastTrain!.value.toFixed(3)} at step ${lastTrain!.step}.` +
        (lastEval ? ` Held-out loss ${lastEval.value.toFixed(3)} at step ${lastEval.step}.` : '') +
        (baseEvalLoss != null ? ` The base model's held-out loss: ${baseEvalLoss.toFixed(3)}.` : '');

  return (
    <figure className="space-y-3" data-testid="loss-chart">
      <div ref={box} role="img" aria-labelledby={`${id}-summary`} className="w-full overflow-hidden" />
      <figcaption id={`${id}-summary`} className="text-sm text-slate-700 dark:text-slate-300">
        <span className="mr-4 inline-flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-0.5 w-5" style={{ background: TRAIN }} /> Training loss
        </span>
        <span className="mr-4 inline-flex items-center gap-1.5">
          <span
            aria-hidden="true"
            className="inline-block h-0.5 w-5 border-t-2 border-dashed"
            style={{ borderColor: EVAL }}
          />{' '}
          Held-out loss
        </span>
        <span className="block pt-1">{summary}</span>
      </figcaption>
      {loss.length + evalLoss.length > 0 ? (
        <details className="text-sm">
          <summary className="cursor-pointer font-semibold text-teal-800 dark:text-teal-300">Loss values</summary>
          <div className="mt-2 max-h-64 overflow-y-auto">
            <table className="w-full text-left">
              <caption className="sr-only">Loss by step</caption>
              <thead>
                <tr>
                  {['Step', 'Training loss', 'Held-out loss'].map((c) => (
                    <th key={c} scope="col" className="pr-3 font-semibold">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data[0].map((step, i) => (
                  <tr key={step}>
                    <td className="pr-3">{step}</td>
                    <td className="pr-3">{data[1][i]?.toFixed(4) ?? '—'}</td>
                    <td>{data[2][i]?.toFixed(4) ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : null}
    </figure>
  );
}
